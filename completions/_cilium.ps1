
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
            [CompletionResult]::new('bpf', 'bpf', [CompletionResultType]::ParameterValue, 'Inspect the datapath''s eBPF maps')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'The datapath''s maps (same as `cilium bpf map`)')
            [CompletionResult]::new('monitor', 'monitor', [CompletionResultType]::ParameterValue, 'Stream datapath events (drops, traces, policy verdicts)')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Manage network policies')
            [CompletionResult]::new('labels', 'labels', [CompletionResultType]::ParameterValue, 'This VM''s runtime labels, which policy selectors match')
            [CompletionResult]::new('identity', 'identity', [CompletionResultType]::ParameterValue, 'Security identities')
            [CompletionResult]::new('endpoint', 'endpoint', [CompletionResultType]::ParameterValue, 'Endpoints (on a VM: the host itself)')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'The cluster''s nodes')
            [CompletionResult]::new('clustermesh', 'clustermesh', [CompletionResultType]::ParameterValue, 'Cluster mesh: the remote clusters this one is meshed with')
            [CompletionResult]::new('encryption', 'encryption', [CompletionResultType]::ParameterValue, 'Transparent encryption (WireGuard)')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Transparent encryption (WireGuard)')
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
            [CompletionResult]::new('--all-clusters', '--all-clusters', [CompletionResultType]::ParameterName, 'Show every remote cluster of the mesh, not only those not ready')
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
        'cilium;bpf' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'List or show maps')
            [CompletionResult]::new('maps', 'maps', [CompletionResultType]::ParameterValue, 'List or show maps (alias of `map`)')
            [CompletionResult]::new('ipcache', 'ipcache', [CompletionResultType]::ParameterValue, 'Address -> identity mappings (`cilium bpf ipcache list`)')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'The policy entries this node enforces (`cilium bpf policy get`)')
            [CompletionResult]::new('ct', 'ct', [CompletionResultType]::ParameterValue, 'Connection tracking entries (`cilium bpf ct list global`)')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)')
            [CompletionResult]::new('tunnel', 'tunnel', [CompletionResultType]::ParameterValue, 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;map' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;map;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print every entry')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;map;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print every entry')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;map;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;map;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;map;help;list' {
            break
        }
        'cilium;bpf;map;help;get' {
            break
        }
        'cilium;bpf;map;help;help' {
            break
        }
        'cilium;bpf;maps' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;maps;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print every entry')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;maps;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print every entry')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;maps;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;maps;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;maps;help;list' {
            break
        }
        'cilium;bpf;maps;help;get' {
            break
        }
        'cilium;bpf;maps;help;help' {
            break
        }
        'cilium;bpf;ipcache' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;ipcache;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;ipcache;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;ipcache;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;ipcache;help;list' {
            break
        }
        'cilium;bpf;ipcache;help;help' {
            break
        }
        'cilium;bpf;policy' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;policy;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;policy;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;policy;help;get' {
            break
        }
        'cilium;bpf;policy;help;help' {
            break
        }
        'cilium;bpf;ct' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries of a table')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the entries of a table')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;ct;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;ct;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;ct;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries of a table')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;ct;help;list' {
            break
        }
        'cilium;bpf;ct;help;help' {
            break
        }
        'cilium;bpf;metrics' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;metrics;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;metrics;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;metrics;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;metrics;help;list' {
            break
        }
        'cilium;bpf;metrics;help;help' {
            break
        }
        'cilium;bpf;tunnel' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;tunnel;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;tunnel;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;bpf;tunnel;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;tunnel;help;list' {
            break
        }
        'cilium;bpf;tunnel;help;help' {
            break
        }
        'cilium;bpf;help' {
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'List or show maps')
            [CompletionResult]::new('maps', 'maps', [CompletionResultType]::ParameterValue, 'List or show maps (alias of `map`)')
            [CompletionResult]::new('ipcache', 'ipcache', [CompletionResultType]::ParameterValue, 'Address -> identity mappings (`cilium bpf ipcache list`)')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'The policy entries this node enforces (`cilium bpf policy get`)')
            [CompletionResult]::new('ct', 'ct', [CompletionResultType]::ParameterValue, 'Connection tracking entries (`cilium bpf ct list global`)')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)')
            [CompletionResult]::new('tunnel', 'tunnel', [CompletionResultType]::ParameterValue, 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;bpf;help;map' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            break
        }
        'cilium;bpf;help;map;list' {
            break
        }
        'cilium;bpf;help;map;get' {
            break
        }
        'cilium;bpf;help;maps' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            break
        }
        'cilium;bpf;help;maps;list' {
            break
        }
        'cilium;bpf;help;maps;get' {
            break
        }
        'cilium;bpf;help;ipcache' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            break
        }
        'cilium;bpf;help;ipcache;list' {
            break
        }
        'cilium;bpf;help;policy' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries')
            break
        }
        'cilium;bpf;help;policy;get' {
            break
        }
        'cilium;bpf;help;ct' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries of a table')
            break
        }
        'cilium;bpf;help;ct;list' {
            break
        }
        'cilium;bpf;help;metrics' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            break
        }
        'cilium;bpf;help;metrics;list' {
            break
        }
        'cilium;bpf;help;tunnel' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            break
        }
        'cilium;bpf;help;tunnel;list' {
            break
        }
        'cilium;bpf;help;help' {
            break
        }
        'cilium;map' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;map;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print every entry')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;map;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print every entry')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;map;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;map;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;map;help;list' {
            break
        }
        'cilium;map;help;get' {
            break
        }
        'cilium;map;help;help' {
            break
        }
        'cilium;monitor' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only these event types: drop, trace, policy-verdict (repeatable)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only these event types: drop, trace, policy-verdict (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'One JSON object per event')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per event')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;policy' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply policy files (YAML or JSON; one or many documents) atomically')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Apply policy files (YAML or JSON; one or many documents) atomically')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check policy files without an agent')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the policies and the repository revision')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a policy, or all of them')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until the datapath enforces a policy revision')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;policy;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Policy file, directory, or - for standard input (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Policy file, directory, or - for standard input (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change for this VM, change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Apply even if it would lock out an open SSH session''s address')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;policy;import' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Policy file, directory, or - for standard input (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Policy file, directory, or - for standard input (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change for this VM, change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Apply even if it would lock out an open SSH session''s address')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;policy;validate' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;policy;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;policy;delete' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete every policy')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;policy;wait' {
            [CompletionResult]::new('--sleep-time', '--sleep-time', [CompletionResultType]::ParameterName, 'Time between checks')
            [CompletionResult]::new('--max-wait-time', '--max-wait-time', [CompletionResultType]::ParameterName, 'Give up after this long')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;policy;help' {
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply policy files (YAML or JSON; one or many documents) atomically')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check policy files without an agent')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the policies and the repository revision')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a policy, or all of them')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until the datapath enforces a policy revision')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;policy;help;apply' {
            break
        }
        'cilium;policy;help;validate' {
            break
        }
        'cilium;policy;help;get' {
            break
        }
        'cilium;policy;help;delete' {
            break
        }
        'cilium;policy;help;wait' {
            break
        }
        'cilium;policy;help;help' {
            break
        }
        'cilium;labels' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add or change runtime labels (key=value ...)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove runtime labels by key')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove runtime labels by key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every label of this VM')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List every label of this VM')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;labels;add' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;labels;remove' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;labels;rm' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;labels;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;labels;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;labels;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add or change runtime labels (key=value ...)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove runtime labels by key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every label of this VM')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;labels;help;add' {
            break
        }
        'cilium;labels;help;remove' {
            break
        }
        'cilium;labels;help;list' {
            break
        }
        'cilium;labels;help;help' {
            break
        }
        'cilium;identity' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List identities')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List identities')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one identity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;identity;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;identity;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;identity;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;identity;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List identities')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one identity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;identity;help;list' {
            break
        }
        'cilium;identity;help;get' {
            break
        }
        'cilium;identity;help;help' {
            break
        }
        'cilium;endpoint' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List endpoints')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List endpoints')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show an endpoint (always JSON, as upstream)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;endpoint;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;endpoint;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;endpoint;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;endpoint;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List endpoints')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show an endpoint (always JSON, as upstream)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;endpoint;help;list' {
            break
        }
        'cilium;endpoint;help;get' {
            break
        }
        'cilium;endpoint;help;help' {
            break
        }
        'cilium;node' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the nodes with their addresses and health')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the nodes with their addresses and health')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;node;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;node;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;node;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the nodes with their addresses and health')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;node;help;list' {
            break
        }
        'cilium;node;help;help' {
            break
        }
        'cilium;clustermesh' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;clustermesh;status' {
            [CompletionResult]::new('--wait-duration', '--wait-duration', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until every remote cluster is ready')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;clustermesh;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;clustermesh;help;status' {
            break
        }
        'cilium;clustermesh;help;help' {
            break
        }
        'cilium;encryption' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'WireGuard status: interface, peers, handshakes, transfer')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'This node''s public key, fingerprint, age and next rotation (never the private key)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace this node''s key pair now; waits until every peer has switched')
            [CompletionResult]::new('generate-secret', 'generate-secret', [CompletionResultType]::ParameterValue, 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;encrypt' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'WireGuard status: interface, peers, handshakes, transfer')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'This node''s public key, fingerprint, age and next rotation (never the private key)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace this node''s key pair now; waits until every peer has switched')
            [CompletionResult]::new('generate-secret', 'generate-secret', [CompletionResultType]::ParameterValue, 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;encryption;status' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;encrypt;status' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;encryption;key' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;encrypt;key' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or jsonpath=<template>')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;encryption;rotate' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the peers')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;encrypt;rotate' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the peers')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;encryption;generate-secret' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;encrypt;generate-secret' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Agent API socket (unix:///path or /path)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cilium;encryption;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'WireGuard status: interface, peers, handshakes, transfer')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'This node''s public key, fingerprint, age and next rotation (never the private key)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace this node''s key pair now; waits until every peer has switched')
            [CompletionResult]::new('generate-secret', 'generate-secret', [CompletionResultType]::ParameterValue, 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;encryption;help;status' {
            break
        }
        'cilium;encryption;help;key' {
            break
        }
        'cilium;encryption;help;rotate' {
            break
        }
        'cilium;encryption;help;generate-secret' {
            break
        }
        'cilium;encryption;help;help' {
            break
        }
        'cilium;encrypt;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'WireGuard status: interface, peers, handshakes, transfer')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'This node''s public key, fingerprint, age and next rotation (never the private key)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace this node''s key pair now; waits until every peer has switched')
            [CompletionResult]::new('generate-secret', 'generate-secret', [CompletionResultType]::ParameterValue, 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cilium;encrypt;help;status' {
            break
        }
        'cilium;encrypt;help;key' {
            break
        }
        'cilium;encrypt;help;rotate' {
            break
        }
        'cilium;encrypt;help;generate-secret' {
            break
        }
        'cilium;encrypt;help;help' {
            break
        }
        'cilium;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the agent''s health and the cluster''s state')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Show client and daemon versions')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show or change the agent''s runtime configuration')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('bpf', 'bpf', [CompletionResultType]::ParameterValue, 'Inspect the datapath''s eBPF maps')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'The datapath''s maps (same as `cilium bpf map`)')
            [CompletionResult]::new('monitor', 'monitor', [CompletionResultType]::ParameterValue, 'Stream datapath events (drops, traces, policy verdicts)')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Manage network policies')
            [CompletionResult]::new('labels', 'labels', [CompletionResultType]::ParameterValue, 'This VM''s runtime labels, which policy selectors match')
            [CompletionResult]::new('identity', 'identity', [CompletionResultType]::ParameterValue, 'Security identities')
            [CompletionResult]::new('endpoint', 'endpoint', [CompletionResultType]::ParameterValue, 'Endpoints (on a VM: the host itself)')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'The cluster''s nodes')
            [CompletionResult]::new('clustermesh', 'clustermesh', [CompletionResultType]::ParameterValue, 'Cluster mesh: the remote clusters this one is meshed with')
            [CompletionResult]::new('encryption', 'encryption', [CompletionResultType]::ParameterValue, 'Transparent encryption (WireGuard)')
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
        'cilium;help;bpf' {
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'List or show maps')
            [CompletionResult]::new('maps', 'maps', [CompletionResultType]::ParameterValue, 'List or show maps (alias of `map`)')
            [CompletionResult]::new('ipcache', 'ipcache', [CompletionResultType]::ParameterValue, 'Address -> identity mappings (`cilium bpf ipcache list`)')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'The policy entries this node enforces (`cilium bpf policy get`)')
            [CompletionResult]::new('ct', 'ct', [CompletionResultType]::ParameterValue, 'Connection tracking entries (`cilium bpf ct list global`)')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)')
            [CompletionResult]::new('tunnel', 'tunnel', [CompletionResultType]::ParameterValue, 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)')
            break
        }
        'cilium;help;bpf;map' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            break
        }
        'cilium;help;bpf;map;list' {
            break
        }
        'cilium;help;bpf;map;get' {
            break
        }
        'cilium;help;bpf;maps' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            break
        }
        'cilium;help;bpf;maps;list' {
            break
        }
        'cilium;help;bpf;maps;get' {
            break
        }
        'cilium;help;bpf;ipcache' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            break
        }
        'cilium;help;bpf;ipcache;list' {
            break
        }
        'cilium;help;bpf;policy' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries')
            break
        }
        'cilium;help;bpf;policy;get' {
            break
        }
        'cilium;help;bpf;ct' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries of a table')
            break
        }
        'cilium;help;bpf;ct;list' {
            break
        }
        'cilium;help;bpf;metrics' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            break
        }
        'cilium;help;bpf;metrics;list' {
            break
        }
        'cilium;help;bpf;tunnel' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries')
            break
        }
        'cilium;help;bpf;tunnel;list' {
            break
        }
        'cilium;help;map' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every map with its number of entries')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the entries of one map')
            break
        }
        'cilium;help;map;list' {
            break
        }
        'cilium;help;map;get' {
            break
        }
        'cilium;help;monitor' {
            break
        }
        'cilium;help;policy' {
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply policy files (YAML or JSON; one or many documents) atomically')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check policy files without an agent')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the policies and the repository revision')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a policy, or all of them')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until the datapath enforces a policy revision')
            break
        }
        'cilium;help;policy;apply' {
            break
        }
        'cilium;help;policy;validate' {
            break
        }
        'cilium;help;policy;get' {
            break
        }
        'cilium;help;policy;delete' {
            break
        }
        'cilium;help;policy;wait' {
            break
        }
        'cilium;help;labels' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add or change runtime labels (key=value ...)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove runtime labels by key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every label of this VM')
            break
        }
        'cilium;help;labels;add' {
            break
        }
        'cilium;help;labels;remove' {
            break
        }
        'cilium;help;labels;list' {
            break
        }
        'cilium;help;identity' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List identities')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one identity')
            break
        }
        'cilium;help;identity;list' {
            break
        }
        'cilium;help;identity;get' {
            break
        }
        'cilium;help;endpoint' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List endpoints')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show an endpoint (always JSON, as upstream)')
            break
        }
        'cilium;help;endpoint;list' {
            break
        }
        'cilium;help;endpoint;get' {
            break
        }
        'cilium;help;node' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the nodes with their addresses and health')
            break
        }
        'cilium;help;node;list' {
            break
        }
        'cilium;help;clustermesh' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities')
            break
        }
        'cilium;help;clustermesh;status' {
            break
        }
        'cilium;help;encryption' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'WireGuard status: interface, peers, handshakes, transfer')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'This node''s public key, fingerprint, age and next rotation (never the private key)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace this node''s key pair now; waits until every peer has switched')
            [CompletionResult]::new('generate-secret', 'generate-secret', [CompletionResultType]::ParameterValue, 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret')
            break
        }
        'cilium;help;encryption;status' {
            break
        }
        'cilium;help;encryption;key' {
            break
        }
        'cilium;help;encryption;rotate' {
            break
        }
        'cilium;help;encryption;generate-secret' {
            break
        }
        'cilium;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
