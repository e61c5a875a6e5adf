
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cilium-agent' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cilium-agent'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cilium-agent' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Directory holding config.yaml')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'Config file to read (instead of <config-dir>/config.yaml)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a configuration key, e.g. --set encryption.enabled=true (repeatable)')
            [CompletionResult]::new('--run-dir', '--run-dir', [CompletionResultType]::ParameterName, 'Runtime directory for the API sockets (key runDir)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory for persistent state (key stateDir)')
            [CompletionResult]::new('--bpf-root', '--bpf-root', [CompletionResultType]::ParameterName, 'bpffs mount point (key bpf.root)')
            [CompletionResult]::new('--node-name', '--node-name', [CompletionResultType]::ParameterName, 'This node''s name (key nodeName; default: the host name)')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Check the configuration, print the effective values and their sources, and exit')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Enable debug logging (key debug.enabled)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Enable debug logging (key debug.enabled)')
            [CompletionResult]::new('--cleanup', '--cleanup', [CompletionResultType]::ParameterName, 'Detach the datapath from every device, remove its pinned maps and links and the tunnel''s and L7 proxy''s routing, restore loopback''s accept_local, then exit. Enforcement stops; the next start builds everything anew')
            [CompletionResult]::new('--block-peers', '--block-peers', [CompletionResultType]::ParameterName, 'Install the tunnel''s routing rules and, with strict encryption, block every known peer (listed in `nodes:` or in the saved registry), then exit. Run at boot before the network is up (the cilium-block-peers unit), so that nothing leaves in plaintext to a peer before the agent has started')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
