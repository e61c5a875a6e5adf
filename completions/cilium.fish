# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cilium_global_optspecs
    string join \n H/host= h/help V/version
end

function __fish_cilium_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cilium_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cilium_using_subcommand
    set -l cmd (__fish_cilium_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cilium -n "__fish_cilium_needs_command" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cilium -n "__fish_cilium_needs_command" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "status" -d 'Show the agent\'s health and the cluster\'s state'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "version" -d 'Show client and daemon versions'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "config" -d 'Show or change the agent\'s runtime configuration'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "bpf" -d 'Inspect the datapath\'s eBPF maps'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "map" -d 'The datapath\'s maps (same as `cilium bpf map`)'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "monitor" -d 'Stream datapath events (drops, traces, policy verdicts)'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "policy" -d 'Manage network policies'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "labels" -d 'This VM\'s runtime labels, which policy selectors match'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "identity" -d 'Security identities'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "endpoint" -d 'Endpoints (on a VM: the host itself)'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "node" -d 'The cluster\'s nodes'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "clustermesh" -d 'Cluster mesh: the remote clusters this one is meshed with'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "encryption" -d 'Transparent encryption (WireGuard)'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "encrypt" -d 'Transparent encryption (WireGuard)'
complete -c cilium -n "__fish_cilium_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand status" -l timeout -d 'How long to wait for the agent' -r
complete -c cilium -n "__fish_cilium_using_subcommand status" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand status" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand status" -l brief -d 'Only print OK, or the first error'
complete -c cilium -n "__fish_cilium_using_subcommand status" -l verbose -d 'Everything: all nodes, controllers and health details'
complete -c cilium -n "__fish_cilium_using_subcommand status" -l all-health -d 'Show node latencies'
complete -c cilium -n "__fish_cilium_using_subcommand status" -l all-nodes -d 'Show every node (the default shows at most 10)'
complete -c cilium -n "__fish_cilium_using_subcommand status" -l all-controllers -d 'Show every controller, not only failing ones'
complete -c cilium -n "__fish_cilium_using_subcommand status" -l all-addresses -d 'Accepted for compatibility'
complete -c cilium -n "__fish_cilium_using_subcommand status" -l all-redirects -d 'Accepted for compatibility'
complete -c cilium -n "__fish_cilium_using_subcommand status" -l all-clusters -d 'Show every remote cluster of the mesh, not only those not ready'
complete -c cilium -n "__fish_cilium_using_subcommand status" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand status" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand version" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand version" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand version" -l client -d 'Only the client\'s version; do not contact the agent'
complete -c cilium -n "__fish_cilium_using_subcommand version" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand version" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -s r -l read-only -d 'Show the read-only configuration (every key the agent started with)'
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -s a -l all -d 'Show both the read-write and the read-only configuration'
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -l list-options -d 'List the options that can be changed at runtime'
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -a "set" -d 'Change one runtime option, e.g. `cilium config set Debug true`'
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -a "get" -d 'Show one option\'s current value'
complete -c cilium -n "__fish_cilium_using_subcommand config; and not __fish_seen_subcommand_from set get help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from set" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from get" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change one runtime option, e.g. `cilium config set Debug true`'
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show one option\'s current value'
complete -c cilium -n "__fish_cilium_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand completion" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand completion" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand completion" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -f -a "map" -d 'List or show maps'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -f -a "maps" -d 'List or show maps (alias of `map`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -f -a "ipcache" -d 'Address -> identity mappings (`cilium bpf ipcache list`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -f -a "policy" -d 'The policy entries this node enforces (`cilium bpf policy get`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -f -a "ct" -d 'Connection tracking entries (`cilium bpf ct list global`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -f -a "metrics" -d 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -f -a "tunnel" -d 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and not __fish_seen_subcommand_from map maps ipcache policy ct metrics tunnel help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from map" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from map" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from map" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from map" -f -a "list" -d 'List every map with its number of entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from map" -f -a "ls" -d 'List every map with its number of entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from map" -f -a "get" -d 'Show the entries of one map'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from map" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from maps" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from maps" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from maps" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from maps" -f -a "list" -d 'List every map with its number of entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from maps" -f -a "ls" -d 'List every map with its number of entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from maps" -f -a "get" -d 'Show the entries of one map'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from maps" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ipcache" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ipcache" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ipcache" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ipcache" -f -a "list" -d 'List the entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ipcache" -f -a "ls" -d 'List the entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ipcache" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from policy" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from policy" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from policy" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from policy" -f -a "get" -d 'Show the entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from policy" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ct" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ct" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ct" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ct" -f -a "list" -d 'List the entries of a table'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ct" -f -a "ls" -d 'List the entries of a table'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from ct" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from metrics" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from metrics" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from metrics" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from metrics" -f -a "list" -d 'List the entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from metrics" -f -a "ls" -d 'List the entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from metrics" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from tunnel" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from tunnel" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from tunnel" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from tunnel" -f -a "list" -d 'List the entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from tunnel" -f -a "ls" -d 'List the entries'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from tunnel" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from help" -f -a "map" -d 'List or show maps'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from help" -f -a "maps" -d 'List or show maps (alias of `map`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from help" -f -a "ipcache" -d 'Address -> identity mappings (`cilium bpf ipcache list`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from help" -f -a "policy" -d 'The policy entries this node enforces (`cilium bpf policy get`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from help" -f -a "ct" -d 'Connection tracking entries (`cilium bpf ct list global`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from help" -f -a "metrics" -d 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from help" -f -a "tunnel" -d 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)'
complete -c cilium -n "__fish_cilium_using_subcommand bpf; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand map; and not __fish_seen_subcommand_from list ls get help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand map; and not __fish_seen_subcommand_from list ls get help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand map; and not __fish_seen_subcommand_from list ls get help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand map; and not __fish_seen_subcommand_from list ls get help" -f -a "list" -d 'List every map with its number of entries'
complete -c cilium -n "__fish_cilium_using_subcommand map; and not __fish_seen_subcommand_from list ls get help" -f -a "ls" -d 'List every map with its number of entries'
complete -c cilium -n "__fish_cilium_using_subcommand map; and not __fish_seen_subcommand_from list ls get help" -f -a "get" -d 'Show the entries of one map'
complete -c cilium -n "__fish_cilium_using_subcommand map; and not __fish_seen_subcommand_from list ls get help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from list" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from list" -l verbose -d 'Also print every entry'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from ls" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from ls" -l verbose -d 'Also print every entry'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from get" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every map with its number of entries'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show the entries of one map'
complete -c cilium -n "__fish_cilium_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand monitor" -s t -l type -d 'Only these event types: drop, trace, policy-verdict (repeatable)' -r -f -a "drop\t''
trace\t''
policy-verdict\t''"
complete -c cilium -n "__fish_cilium_using_subcommand monitor" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand monitor" -s j -l json -d 'One JSON object per event'
complete -c cilium -n "__fish_cilium_using_subcommand monitor" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand monitor" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -f -a "apply" -d 'Apply policy files (YAML or JSON; one or many documents) atomically'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -f -a "import" -d 'Apply policy files (YAML or JSON; one or many documents) atomically'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -f -a "validate" -d 'Check policy files without an agent'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -f -a "get" -d 'Show the policies and the repository revision'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -f -a "delete" -d 'Delete a policy, or all of them'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -f -a "wait" -d 'Wait until the datapath enforces a policy revision'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and not __fish_seen_subcommand_from apply import validate get delete wait help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from apply" -s f -l file -d 'Policy file, directory, or - for standard input (repeatable)' -r -F
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from apply" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from apply" -l dry-run -d 'Show what would change for this VM, change nothing'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from apply" -l force -d 'Apply even if it would lock out an open SSH session\'s address'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from import" -s f -l file -d 'Policy file, directory, or - for standard input (repeatable)' -r -F
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from import" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from import" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from import" -l dry-run -d 'Show what would change for this VM, change nothing'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from import" -l force -d 'Apply even if it would lock out an open SSH session\'s address'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from validate" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from get" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from delete" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from delete" -l all -d 'Delete every policy'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from wait" -l sleep-time -d 'Time between checks' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from wait" -l max-wait-time -d 'Give up after this long' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from wait" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from wait" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Apply policy files (YAML or JSON; one or many documents) atomically'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check policy files without an agent'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show the policies and the repository revision'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a policy, or all of them'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Wait until the datapath enforces a policy revision'
complete -c cilium -n "__fish_cilium_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -f -a "add" -d 'Add or change runtime labels (key=value ...)'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -f -a "remove" -d 'Remove runtime labels by key'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -f -a "rm" -d 'Remove runtime labels by key'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -f -a "list" -d 'List every label of this VM'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -f -a "ls" -d 'List every label of this VM'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and not __fish_seen_subcommand_from add remove rm list ls help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from add" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from remove" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from rm" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from list" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from ls" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add or change runtime labels (key=value ...)'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove runtime labels by key'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every label of this VM'
complete -c cilium -n "__fish_cilium_using_subcommand labels; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and not __fish_seen_subcommand_from list ls get help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand identity; and not __fish_seen_subcommand_from list ls get help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and not __fish_seen_subcommand_from list ls get help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and not __fish_seen_subcommand_from list ls get help" -f -a "list" -d 'List identities'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and not __fish_seen_subcommand_from list ls get help" -f -a "ls" -d 'List identities'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and not __fish_seen_subcommand_from list ls get help" -f -a "get" -d 'Show one identity'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and not __fish_seen_subcommand_from list ls get help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from list" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from ls" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from get" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from help" -f -a "list" -d 'List identities'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show one identity'
complete -c cilium -n "__fish_cilium_using_subcommand identity; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and not __fish_seen_subcommand_from list ls get help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and not __fish_seen_subcommand_from list ls get help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and not __fish_seen_subcommand_from list ls get help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and not __fish_seen_subcommand_from list ls get help" -f -a "list" -d 'List endpoints'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and not __fish_seen_subcommand_from list ls get help" -f -a "ls" -d 'List endpoints'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and not __fish_seen_subcommand_from list ls get help" -f -a "get" -d 'Show an endpoint (always JSON, as upstream)'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and not __fish_seen_subcommand_from list ls get help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from list" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from list" -l no-headers -d 'Leave out the header lines'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from ls" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from ls" -l no-headers -d 'Leave out the header lines'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from get" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from help" -f -a "list" -d 'List endpoints'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show an endpoint (always JSON, as upstream)'
complete -c cilium -n "__fish_cilium_using_subcommand endpoint; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand node; and not __fish_seen_subcommand_from list ls help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand node; and not __fish_seen_subcommand_from list ls help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand node; and not __fish_seen_subcommand_from list ls help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand node; and not __fish_seen_subcommand_from list ls help" -f -a "list" -d 'List the nodes with their addresses and health'
complete -c cilium -n "__fish_cilium_using_subcommand node; and not __fish_seen_subcommand_from list ls help" -f -a "ls" -d 'List the nodes with their addresses and health'
complete -c cilium -n "__fish_cilium_using_subcommand node; and not __fish_seen_subcommand_from list ls help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from list" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from ls" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the nodes with their addresses and health'
complete -c cilium -n "__fish_cilium_using_subcommand node; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and not __fish_seen_subcommand_from status help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and not __fish_seen_subcommand_from status help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and not __fish_seen_subcommand_from status help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and not __fish_seen_subcommand_from status help" -f -a "status" -d 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and not __fish_seen_subcommand_from status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and __fish_seen_subcommand_from status" -l wait-duration -d 'How long --wait waits' -r
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and __fish_seen_subcommand_from status" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and __fish_seen_subcommand_from status" -l wait -d 'Wait until every remote cluster is ready'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and __fish_seen_subcommand_from help" -f -a "status" -d 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities'
complete -c cilium -n "__fish_cilium_using_subcommand clustermesh; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and not __fish_seen_subcommand_from status key rotate generate-secret help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and not __fish_seen_subcommand_from status key rotate generate-secret help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and not __fish_seen_subcommand_from status key rotate generate-secret help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "status" -d 'WireGuard status: interface, peers, handshakes, transfer'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "key" -d 'This node\'s public key, fingerprint, age and next rotation (never the private key)'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "rotate" -d 'Replace this node\'s key pair now; waits until every peer has switched'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "generate-secret" -d 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from status" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from key" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from key" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from key" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from key" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from rotate" -l timeout -d 'How long to wait for the peers' -r
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from rotate" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from generate-secret" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from generate-secret" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from generate-secret" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from help" -f -a "status" -d 'WireGuard status: interface, peers, handshakes, transfer'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from help" -f -a "key" -d 'This node\'s public key, fingerprint, age and next rotation (never the private key)'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace this node\'s key pair now; waits until every peer has switched'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from help" -f -a "generate-secret" -d 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
complete -c cilium -n "__fish_cilium_using_subcommand encryption; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and not __fish_seen_subcommand_from status key rotate generate-secret help" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and not __fish_seen_subcommand_from status key rotate generate-secret help" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and not __fish_seen_subcommand_from status key rotate generate-secret help" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "status" -d 'WireGuard status: interface, peers, handshakes, transfer'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "key" -d 'This node\'s public key, fingerprint, age and next rotation (never the private key)'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "rotate" -d 'Replace this node\'s key pair now; waits until every peer has switched'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "generate-secret" -d 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and not __fish_seen_subcommand_from status key rotate generate-secret help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from status" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from key" -s o -l output -d 'Output format: json, yaml or jsonpath=<template>' -r
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from key" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from key" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from key" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from rotate" -l timeout -d 'How long to wait for the peers' -r
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from rotate" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from generate-secret" -s H -l host -d 'Agent API socket (unix:///path or /path)' -r
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from generate-secret" -s h -l help -d 'Print help'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from generate-secret" -s V -l version -d 'Print version'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from help" -f -a "status" -d 'WireGuard status: interface, peers, handshakes, transfer'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from help" -f -a "key" -d 'This node\'s public key, fingerprint, age and next rotation (never the private key)'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace this node\'s key pair now; waits until every peer has switched'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from help" -f -a "generate-secret" -d 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
complete -c cilium -n "__fish_cilium_using_subcommand encrypt; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "status" -d 'Show the agent\'s health and the cluster\'s state'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "version" -d 'Show client and daemon versions'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "config" -d 'Show or change the agent\'s runtime configuration'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "completion" -d 'Print a shell completion script'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "bpf" -d 'Inspect the datapath\'s eBPF maps'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "map" -d 'The datapath\'s maps (same as `cilium bpf map`)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "monitor" -d 'Stream datapath events (drops, traces, policy verdicts)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "policy" -d 'Manage network policies'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "labels" -d 'This VM\'s runtime labels, which policy selectors match'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "identity" -d 'Security identities'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "endpoint" -d 'Endpoints (on a VM: the host itself)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "node" -d 'The cluster\'s nodes'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "clustermesh" -d 'Cluster mesh: the remote clusters this one is meshed with'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "encryption" -d 'Transparent encryption (WireGuard)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and not __fish_seen_subcommand_from status version config completion bpf map monitor policy labels identity endpoint node clustermesh encryption help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Change one runtime option, e.g. `cilium config set Debug true`'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Show one option\'s current value'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from bpf" -f -a "map" -d 'List or show maps'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from bpf" -f -a "maps" -d 'List or show maps (alias of `map`)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from bpf" -f -a "ipcache" -d 'Address -> identity mappings (`cilium bpf ipcache list`)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from bpf" -f -a "policy" -d 'The policy entries this node enforces (`cilium bpf policy get`)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from bpf" -f -a "ct" -d 'Connection tracking entries (`cilium bpf ct list global`)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from bpf" -f -a "metrics" -d 'Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from bpf" -f -a "tunnel" -d 'Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "list" -d 'List every map with its number of entries'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "get" -d 'Show the entries of one map'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "apply" -d 'Apply policy files (YAML or JSON; one or many documents) atomically'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "validate" -d 'Check policy files without an agent'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "get" -d 'Show the policies and the repository revision'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "delete" -d 'Delete a policy, or all of them'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "wait" -d 'Wait until the datapath enforces a policy revision'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from labels" -f -a "add" -d 'Add or change runtime labels (key=value ...)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from labels" -f -a "remove" -d 'Remove runtime labels by key'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from labels" -f -a "list" -d 'List every label of this VM'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from identity" -f -a "list" -d 'List identities'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from identity" -f -a "get" -d 'Show one identity'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from endpoint" -f -a "list" -d 'List endpoints'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from endpoint" -f -a "get" -d 'Show an endpoint (always JSON, as upstream)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from node" -f -a "list" -d 'List the nodes with their addresses and health'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from clustermesh" -f -a "status" -d 'Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from encryption" -f -a "status" -d 'WireGuard status: interface, peers, handshakes, transfer'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from encryption" -f -a "key" -d 'This node\'s public key, fingerprint, age and next rotation (never the private key)'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from encryption" -f -a "rotate" -d 'Replace this node\'s key pair now; waits until every peer has switched'
complete -c cilium -n "__fish_cilium_using_subcommand help; and __fish_seen_subcommand_from encryption" -f -a "generate-secret" -d 'Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret'
