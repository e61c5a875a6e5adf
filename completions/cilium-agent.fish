complete -c cilium-agent -l config-dir -d 'Directory holding config.yaml' -r -F
complete -c cilium-agent -l config-file -d 'Config file to read (instead of <config-dir>/config.yaml)' -r -F
complete -c cilium-agent -l set -d 'Override a configuration key, e.g. --set encryption.enabled=true (repeatable)' -r
complete -c cilium-agent -l run-dir -d 'Runtime directory for the API sockets (key runDir)' -r
complete -c cilium-agent -l state-dir -d 'Directory for persistent state (key stateDir)' -r
complete -c cilium-agent -l bpf-root -d 'bpffs mount point (key bpf.root)' -r
complete -c cilium-agent -l node-name -d 'This node\'s name (key nodeName; default: the host name)' -r
complete -c cilium-agent -l validate -d 'Check the configuration, print the effective values and their sources, and exit'
complete -c cilium-agent -s D -l debug -d 'Enable debug logging (key debug.enabled)'
complete -c cilium-agent -l cleanup -d 'Detach the datapath from every device, remove its pinned maps and links and the tunnel\'s and L7 proxy\'s routing, restore loopback\'s accept_local, then exit. Enforcement stops; the next start builds everything anew'
complete -c cilium-agent -l block-peers -d 'Install the tunnel\'s routing rules and, with strict encryption, block every known peer (listed in `nodes:` or in the saved registry), then exit. Run at boot before the network is up (the cilium-block-peers unit), so that nothing leaves in plaintext to a peer before the agent has started'
complete -c cilium-agent -s h -l help -d 'Print help'
complete -c cilium-agent -s V -l version -d 'Print version'
