
use builtin;
use str;

set edit:completion:arg-completer[cilium] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cilium'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cilium'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Show the agent''s health and the cluster''s state'
            cand version 'Show client and daemon versions'
            cand config 'Show or change the agent''s runtime configuration'
            cand completion 'Print a shell completion script'
            cand bpf 'Inspect the datapath''s eBPF maps'
            cand map 'The datapath''s maps (same as `cilium bpf map`)'
            cand monitor 'Stream datapath events (drops, traces, policy verdicts)'
            cand policy 'Manage network policies'
            cand labels 'This VM''s runtime labels, which policy selectors match'
            cand identity 'Security identities'
            cand endpoint 'Endpoints (on a VM: the host itself)'
            cand node 'The cluster''s nodes'
            cand clustermesh 'Cluster mesh: the remote clusters this one is meshed with'
            cand encryption 'Transparent encryption (WireGuard)'
            cand encrypt 'Transparent encryption (WireGuard)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;status'= {
            cand --timeout 'How long to wait for the agent'
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --brief 'Only print OK, or the first error'
            cand --verbose 'Everything: all nodes, controllers and health details'
            cand --all-health 'Show node latencies'
            cand --all-nodes 'Show every node (the default shows at most 10)'
            cand --all-controllers 'Show every controller, not only failing ones'
            cand --all-addresses 'Accepted for compatibility'
            cand --all-redirects 'Accepted for compatibility'
            cand --all-clusters 'Show every remote cluster of the mesh, not only those not ready'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;version'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --client 'Only the client''s version; do not contact the agent'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;config'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -r 'Show the read-only configuration (every key the agent started with)'
            cand --read-only 'Show the read-only configuration (every key the agent started with)'
            cand -a 'Show both the read-write and the read-only configuration'
            cand --all 'Show both the read-write and the read-only configuration'
            cand --list-options 'List the options that can be changed at runtime'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Change one runtime option, e.g. `cilium config set Debug true`'
            cand get 'Show one option''s current value'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;config;set'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;config;get'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;config;help'= {
            cand set 'Change one runtime option, e.g. `cilium config set Debug true`'
            cand get 'Show one option''s current value'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;config;help;set'= {
        }
        &'cilium;config;help;get'= {
        }
        &'cilium;config;help;help'= {
        }
        &'cilium;completion'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand map 'List or show maps'
            cand maps 'List or show maps (alias of `map`)'
            cand ipcache 'Address -> identity mappings (`cilium bpf ipcache list`)'
            cand policy 'The policy entries this node enforces (`cilium bpf policy get`)'
            cand ct 'Connection tracking entries (`cilium bpf ct list global`)'
            cand metrics 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)'
            cand tunnel 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;map'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List every map with its number of entries'
            cand ls 'List every map with its number of entries'
            cand get 'Show the entries of one map'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;map;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --verbose 'Also print every entry'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;map;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --verbose 'Also print every entry'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;map;get'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;map;help'= {
            cand list 'List every map with its number of entries'
            cand get 'Show the entries of one map'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;map;help;list'= {
        }
        &'cilium;bpf;map;help;get'= {
        }
        &'cilium;bpf;map;help;help'= {
        }
        &'cilium;bpf;maps'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List every map with its number of entries'
            cand ls 'List every map with its number of entries'
            cand get 'Show the entries of one map'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;maps;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --verbose 'Also print every entry'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;maps;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --verbose 'Also print every entry'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;maps;get'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;maps;help'= {
            cand list 'List every map with its number of entries'
            cand get 'Show the entries of one map'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;maps;help;list'= {
        }
        &'cilium;bpf;maps;help;get'= {
        }
        &'cilium;bpf;maps;help;help'= {
        }
        &'cilium;bpf;ipcache'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the entries'
            cand ls 'List the entries'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;ipcache;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;ipcache;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;ipcache;help'= {
            cand list 'List the entries'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;ipcache;help;list'= {
        }
        &'cilium;bpf;ipcache;help;help'= {
        }
        &'cilium;bpf;policy'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Show the entries'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;policy;get'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;policy;help'= {
            cand get 'Show the entries'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;policy;help;get'= {
        }
        &'cilium;bpf;policy;help;help'= {
        }
        &'cilium;bpf;ct'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the entries of a table'
            cand ls 'List the entries of a table'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;ct;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;ct;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;ct;help'= {
            cand list 'List the entries of a table'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;ct;help;list'= {
        }
        &'cilium;bpf;ct;help;help'= {
        }
        &'cilium;bpf;metrics'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the entries'
            cand ls 'List the entries'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;metrics;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;metrics;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;metrics;help'= {
            cand list 'List the entries'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;metrics;help;list'= {
        }
        &'cilium;bpf;metrics;help;help'= {
        }
        &'cilium;bpf;tunnel'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the entries'
            cand ls 'List the entries'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;tunnel;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;tunnel;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;bpf;tunnel;help'= {
            cand list 'List the entries'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;tunnel;help;list'= {
        }
        &'cilium;bpf;tunnel;help;help'= {
        }
        &'cilium;bpf;help'= {
            cand map 'List or show maps'
            cand maps 'List or show maps (alias of `map`)'
            cand ipcache 'Address -> identity mappings (`cilium bpf ipcache list`)'
            cand policy 'The policy entries this node enforces (`cilium bpf policy get`)'
            cand ct 'Connection tracking entries (`cilium bpf ct list global`)'
            cand metrics 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)'
            cand tunnel 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;bpf;help;map'= {
            cand list 'List every map with its number of entries'
            cand get 'Show the entries of one map'
        }
        &'cilium;bpf;help;map;list'= {
        }
        &'cilium;bpf;help;map;get'= {
        }
        &'cilium;bpf;help;maps'= {
            cand list 'List every map with its number of entries'
            cand get 'Show the entries of one map'
        }
        &'cilium;bpf;help;maps;list'= {
        }
        &'cilium;bpf;help;maps;get'= {
        }
        &'cilium;bpf;help;ipcache'= {
            cand list 'List the entries'
        }
        &'cilium;bpf;help;ipcache;list'= {
        }
        &'cilium;bpf;help;policy'= {
            cand get 'Show the entries'
        }
        &'cilium;bpf;help;policy;get'= {
        }
        &'cilium;bpf;help;ct'= {
            cand list 'List the entries of a table'
        }
        &'cilium;bpf;help;ct;list'= {
        }
        &'cilium;bpf;help;metrics'= {
            cand list 'List the entries'
        }
        &'cilium;bpf;help;metrics;list'= {
        }
        &'cilium;bpf;help;tunnel'= {
            cand list 'List the entries'
        }
        &'cilium;bpf;help;tunnel;list'= {
        }
        &'cilium;bpf;help;help'= {
        }
        &'cilium;map'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List every map with its number of entries'
            cand ls 'List every map with its number of entries'
            cand get 'Show the entries of one map'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;map;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --verbose 'Also print every entry'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;map;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --verbose 'Also print every entry'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;map;get'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;map;help'= {
            cand list 'List every map with its number of entries'
            cand get 'Show the entries of one map'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;map;help;list'= {
        }
        &'cilium;map;help;get'= {
        }
        &'cilium;map;help;help'= {
        }
        &'cilium;monitor'= {
            cand -t 'Only these event types: drop, trace, policy-verdict (repeatable)'
            cand --type 'Only these event types: drop, trace, policy-verdict (repeatable)'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -j 'One JSON object per event'
            cand --json 'One JSON object per event'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;policy'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand apply 'Apply policy files (YAML or JSON; one or many documents) atomically'
            cand import 'Apply policy files (YAML or JSON; one or many documents) atomically'
            cand validate 'Check policy files without an agent'
            cand get 'Show the policies and the repository revision'
            cand delete 'Delete a policy, or all of them'
            cand wait 'Wait until the datapath enforces a policy revision'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;policy;apply'= {
            cand -f 'Policy file, directory, or - for standard input (repeatable)'
            cand --file 'Policy file, directory, or - for standard input (repeatable)'
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --dry-run 'Show what would change for this VM, change nothing'
            cand --force 'Apply even if it would lock out an open SSH session''s address'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;policy;import'= {
            cand -f 'Policy file, directory, or - for standard input (repeatable)'
            cand --file 'Policy file, directory, or - for standard input (repeatable)'
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --dry-run 'Show what would change for this VM, change nothing'
            cand --force 'Apply even if it would lock out an open SSH session''s address'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;policy;validate'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;policy;get'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;policy;delete'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --all 'Delete every policy'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;policy;wait'= {
            cand --sleep-time 'Time between checks'
            cand --max-wait-time 'Give up after this long'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;policy;help'= {
            cand apply 'Apply policy files (YAML or JSON; one or many documents) atomically'
            cand validate 'Check policy files without an agent'
            cand get 'Show the policies and the repository revision'
            cand delete 'Delete a policy, or all of them'
            cand wait 'Wait until the datapath enforces a policy revision'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;policy;help;apply'= {
        }
        &'cilium;policy;help;validate'= {
        }
        &'cilium;policy;help;get'= {
        }
        &'cilium;policy;help;delete'= {
        }
        &'cilium;policy;help;wait'= {
        }
        &'cilium;policy;help;help'= {
        }
        &'cilium;labels'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add or change runtime labels (key=value ...)'
            cand remove 'Remove runtime labels by key'
            cand rm 'Remove runtime labels by key'
            cand list 'List every label of this VM'
            cand ls 'List every label of this VM'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;labels;add'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;labels;remove'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;labels;rm'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;labels;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;labels;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;labels;help'= {
            cand add 'Add or change runtime labels (key=value ...)'
            cand remove 'Remove runtime labels by key'
            cand list 'List every label of this VM'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;labels;help;add'= {
        }
        &'cilium;labels;help;remove'= {
        }
        &'cilium;labels;help;list'= {
        }
        &'cilium;labels;help;help'= {
        }
        &'cilium;identity'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List identities'
            cand ls 'List identities'
            cand get 'Show one identity'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;identity;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;identity;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;identity;get'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;identity;help'= {
            cand list 'List identities'
            cand get 'Show one identity'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;identity;help;list'= {
        }
        &'cilium;identity;help;get'= {
        }
        &'cilium;identity;help;help'= {
        }
        &'cilium;endpoint'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List endpoints'
            cand ls 'List endpoints'
            cand get 'Show an endpoint (always JSON, as upstream)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;endpoint;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --no-headers 'Leave out the header lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;endpoint;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --no-headers 'Leave out the header lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;endpoint;get'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;endpoint;help'= {
            cand list 'List endpoints'
            cand get 'Show an endpoint (always JSON, as upstream)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;endpoint;help;list'= {
        }
        &'cilium;endpoint;help;get'= {
        }
        &'cilium;endpoint;help;help'= {
        }
        &'cilium;node'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the nodes with their addresses and health'
            cand ls 'List the nodes with their addresses and health'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;node;list'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;node;ls'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;node;help'= {
            cand list 'List the nodes with their addresses and health'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;node;help;list'= {
        }
        &'cilium;node;help;help'= {
        }
        &'cilium;clustermesh'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;clustermesh;status'= {
            cand --wait-duration 'How long --wait waits'
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand --wait 'Wait until every remote cluster is ready'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;clustermesh;help'= {
            cand status 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;clustermesh;help;status'= {
        }
        &'cilium;clustermesh;help;help'= {
        }
        &'cilium;encryption'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'WireGuard status: interface, peers, handshakes, transfer'
            cand key 'This node''s public key, fingerprint, age and next rotation (never the private key)'
            cand rotate 'Replace this node''s key pair now; waits until every peer has switched'
            cand generate-secret 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;encrypt'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'WireGuard status: interface, peers, handshakes, transfer'
            cand key 'This node''s public key, fingerprint, age and next rotation (never the private key)'
            cand rotate 'Replace this node''s key pair now; waits until every peer has switched'
            cand generate-secret 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;encryption;status'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;encrypt;status'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;encryption;key'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;encrypt;key'= {
            cand -o 'Output format: json, yaml or jsonpath=<template>'
            cand --output 'Output format: json, yaml or jsonpath=<template>'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;encryption;rotate'= {
            cand --timeout 'How long to wait for the peers'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;encrypt;rotate'= {
            cand --timeout 'How long to wait for the peers'
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;encryption;generate-secret'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;encrypt;generate-secret'= {
            cand -H 'Agent API socket (unix:///path or /path)'
            cand --host 'Agent API socket (unix:///path or /path)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cilium;encryption;help'= {
            cand status 'WireGuard status: interface, peers, handshakes, transfer'
            cand key 'This node''s public key, fingerprint, age and next rotation (never the private key)'
            cand rotate 'Replace this node''s key pair now; waits until every peer has switched'
            cand generate-secret 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;encryption;help;status'= {
        }
        &'cilium;encryption;help;key'= {
        }
        &'cilium;encryption;help;rotate'= {
        }
        &'cilium;encryption;help;generate-secret'= {
        }
        &'cilium;encryption;help;help'= {
        }
        &'cilium;encrypt;help'= {
            cand status 'WireGuard status: interface, peers, handshakes, transfer'
            cand key 'This node''s public key, fingerprint, age and next rotation (never the private key)'
            cand rotate 'Replace this node''s key pair now; waits until every peer has switched'
            cand generate-secret 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;encrypt;help;status'= {
        }
        &'cilium;encrypt;help;key'= {
        }
        &'cilium;encrypt;help;rotate'= {
        }
        &'cilium;encrypt;help;generate-secret'= {
        }
        &'cilium;encrypt;help;help'= {
        }
        &'cilium;help'= {
            cand status 'Show the agent''s health and the cluster''s state'
            cand version 'Show client and daemon versions'
            cand config 'Show or change the agent''s runtime configuration'
            cand completion 'Print a shell completion script'
            cand bpf 'Inspect the datapath''s eBPF maps'
            cand map 'The datapath''s maps (same as `cilium bpf map`)'
            cand monitor 'Stream datapath events (drops, traces, policy verdicts)'
            cand policy 'Manage network policies'
            cand labels 'This VM''s runtime labels, which policy selectors match'
            cand identity 'Security identities'
            cand endpoint 'Endpoints (on a VM: the host itself)'
            cand node 'The cluster''s nodes'
            cand clustermesh 'Cluster mesh: the remote clusters this one is meshed with'
            cand encryption 'Transparent encryption (WireGuard)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cilium;help;status'= {
        }
        &'cilium;help;version'= {
        }
        &'cilium;help;config'= {
            cand set 'Change one runtime option, e.g. `cilium config set Debug true`'
            cand get 'Show one option''s current value'
        }
        &'cilium;help;config;set'= {
        }
        &'cilium;help;config;get'= {
        }
        &'cilium;help;completion'= {
        }
        &'cilium;help;bpf'= {
            cand map 'List or show maps'
            cand maps 'List or show maps (alias of `map`)'
            cand ipcache 'Address -> identity mappings (`cilium bpf ipcache list`)'
            cand policy 'The policy entries this node enforces (`cilium bpf policy get`)'
            cand ct 'Connection tracking entries (`cilium bpf ct list global`)'
            cand metrics 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)'
            cand tunnel 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)'
        }
        &'cilium;help;bpf;map'= {
            cand list 'List every map with its number of entries'
            cand get 'Show the entries of one map'
        }
        &'cilium;help;bpf;map;list'= {
        }
        &'cilium;help;bpf;map;get'= {
        }
        &'cilium;help;bpf;maps'= {
            cand list 'List every map with its number of entries'
            cand get 'Show the entries of one map'
        }
        &'cilium;help;bpf;maps;list'= {
        }
        &'cilium;help;bpf;maps;get'= {
        }
        &'cilium;help;bpf;ipcache'= {
            cand list 'List the entries'
        }
        &'cilium;help;bpf;ipcache;list'= {
        }
        &'cilium;help;bpf;policy'= {
            cand get 'Show the entries'
        }
        &'cilium;help;bpf;policy;get'= {
        }
        &'cilium;help;bpf;ct'= {
            cand list 'List the entries of a table'
        }
        &'cilium;help;bpf;ct;list'= {
        }
        &'cilium;help;bpf;metrics'= {
            cand list 'List the entries'
        }
        &'cilium;help;bpf;metrics;list'= {
        }
        &'cilium;help;bpf;tunnel'= {
            cand list 'List the entries'
        }
        &'cilium;help;bpf;tunnel;list'= {
        }
        &'cilium;help;map'= {
            cand list 'List every map with its number of entries'
            cand get 'Show the entries of one map'
        }
        &'cilium;help;map;list'= {
        }
        &'cilium;help;map;get'= {
        }
        &'cilium;help;monitor'= {
        }
        &'cilium;help;policy'= {
            cand apply 'Apply policy files (YAML or JSON; one or many documents) atomically'
            cand validate 'Check policy files without an agent'
            cand get 'Show the policies and the repository revision'
            cand delete 'Delete a policy, or all of them'
            cand wait 'Wait until the datapath enforces a policy revision'
        }
        &'cilium;help;policy;apply'= {
        }
        &'cilium;help;policy;validate'= {
        }
        &'cilium;help;policy;get'= {
        }
        &'cilium;help;policy;delete'= {
        }
        &'cilium;help;policy;wait'= {
        }
        &'cilium;help;labels'= {
            cand add 'Add or change runtime labels (key=value ...)'
            cand remove 'Remove runtime labels by key'
            cand list 'List every label of this VM'
        }
        &'cilium;help;labels;add'= {
        }
        &'cilium;help;labels;remove'= {
        }
        &'cilium;help;labels;list'= {
        }
        &'cilium;help;identity'= {
            cand list 'List identities'
            cand get 'Show one identity'
        }
        &'cilium;help;identity;list'= {
        }
        &'cilium;help;identity;get'= {
        }
        &'cilium;help;endpoint'= {
            cand list 'List endpoints'
            cand get 'Show an endpoint (always JSON, as upstream)'
        }
        &'cilium;help;endpoint;list'= {
        }
        &'cilium;help;endpoint;get'= {
        }
        &'cilium;help;node'= {
            cand list 'List the nodes with their addresses and health'
        }
        &'cilium;help;node;list'= {
        }
        &'cilium;help;clustermesh'= {
            cand status 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities'
        }
        &'cilium;help;clustermesh;status'= {
        }
        &'cilium;help;encryption'= {
            cand status 'WireGuard status: interface, peers, handshakes, transfer'
            cand key 'This node''s public key, fingerprint, age and next rotation (never the private key)'
            cand rotate 'Replace this node''s key pair now; waits until every peer has switched'
            cand generate-secret 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
        }
        &'cilium;help;encryption;status'= {
        }
        &'cilium;help;encryption;key'= {
        }
        &'cilium;help;encryption;rotate'= {
        }
        &'cilium;help;encryption;generate-secret'= {
        }
        &'cilium;help;help'= {
        }
    ]
    $completions[$command]
}
