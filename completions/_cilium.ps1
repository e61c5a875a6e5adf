
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cilium' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cilium'
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
        'cilium' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the agent''s health and the cluster''s state')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Show client and daemon versions')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show or change the agent''s runtime configuration')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;status' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the agent')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Only print OK, or the first error')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Everything: all nodes, controllers and health details')
            [CompletionResult]::new('--all-health', '--all-health', [CompletionResultType]::ParameterName, 'Show node latencies')
            [CompletionResult]::new('--all-nodes', '--all-nodes', [CompletionResultType]::ParameterName, 'Show every node (the default shows at most 10)')
            [CompletionResult]::new('--all-controllers', '--all-controllers', [CompletionResultType]::ParameterName, 'Show every controller, not only failing ones')
            [CompletionResult]::new('--all-addresses', '--all-addresses', [CompletionResultType]::ParameterName, 'Accepted for compatibility')
            [CompletionResult]::new('--all-redirects', '--all-redirects', [CompletionResultType]::ParameterName, 'Accepted for compatibility')
            [CompletionResult]::new('--all-clusters', '--all-clusters', [CompletionResultType]::ParameterName, 'Accepted for compatibility')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;version' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Only the client''s version; do not contact the agent')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;config' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Show the read-only configuration (every key the agent started with)')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Show the read-only configuration (every key the agent started with)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Show both the read-write and the read-only configuration')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Show both the read-write and the read-only configuration')
            [CompletionResult]::new('--list-options', '--list-options', [CompletionResultType]::ParameterName, 'List the options that can be changed at runtime')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one runtime option, e.g. `cilium config set Debug true`')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one option''s current value')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;config;set' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;config;get' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;config;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one runtime option, e.g. `cilium config set Debug true`')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one option''s current value')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;config;help;set' {
            break
        }
        'cilium;config;help;get' {
            break
        }
        'cilium;config;help;help' {
            break
        }
        'cilium;completion' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the agent''s health and the cluster''s state')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Show client and daemon versions')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show or change the agent''s runtime configuration')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;help;status' {
            break
        }
        'cilium;help;version' {
            break
        }
        'cilium;help;config' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one runtime option, e.g. `cilium config set Debug true`')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one option''s current value')
            break
        }
        'cilium;help;config;set' {
            break
        }
        'cilium;help;config;get' {
            break
        }
        'cilium;help;completion' {
            break
        }
        'cilium;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
