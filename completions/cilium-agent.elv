
use builtin;
use str;

set edit:completion:arg-completer[cilium-agent] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cilium-agent'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cilium-agent'= {
            cand --config-dir 'Directory holding config.yaml'
            cand --config-file 'Config file to read (instead of <config-dir>/config.yaml)'
            cand --set 'Override a configuration key, e.g. --set encryption.enabled=true (repeatable)'
            cand --run-dir 'Runtime directory for the API sockets (key runDir)'
            cand --state-dir 'Directory for persistent state (key stateDir)'
            cand --bpf-root 'bpffs mount point (key bpf.root)'
            cand --node-name 'This node''s name (key nodeName; default: the host name)'
            cand --validate 'Check the configuration, print the effective values and their sources, and exit'
            cand -D 'Enable debug logging (key debug.enabled)'
            cand --debug 'Enable debug logging (key debug.enabled)'
            cand --cleanup 'Detach the datapath from every device, remove its pinned maps and links and the tunnel''s and L7 proxy''s routing, restore loopback''s accept_local, then exit. Enforcement stops; the next start builds everything anew'
            cand --block-peers 'Install the tunnel''s routing rules and, with strict encryption, block every known peer (listed in `nodes:` or in the saved registry), then exit. Run at boot before the network is up (the cilium-block-peers unit), so that nothing leaves in plaintext to a peer before the agent has started'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
