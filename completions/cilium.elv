
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
            cand --all-clusters 'Accepted for compatibility'
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
        &'cilium;help'= {
            cand status 'Show the agent''s health and the cluster''s state'
            cand version 'Show client and daemon versions'
            cand config 'Show or change the agent''s runtime configuration'
            cand completion 'Print a shell completion script'
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
        &'cilium;help;help'= {
        }
    ]
    $completions[$command]
}
