# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hubble_global_optspecs
    string join \n server= tls tls-allow-insecure tls-ca-cert-files= tls-client-cert-file= tls-client-key-file= tls-server-name= timeout= request-timeout= D/debug h/help V/version
end

function __fish_hubble_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hubble_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hubble_using_subcommand
    set -l cmd (__fish_hubble_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hubble -n "__fish_hubble_needs_command" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_needs_command" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_needs_command" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_needs_command" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_needs_command" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_needs_command" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_needs_command" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_needs_command" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_needs_command" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_needs_command" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hubble -n "__fish_hubble_needs_command" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_needs_command" -f -a "observe" -d 'Observe flows of a Hubble server'
complete -c hubble -n "__fish_hubble_needs_command" -f -a "status" -d 'Show the health and flow counters of a Hubble server'
complete -c hubble -n "__fish_hubble_needs_command" -f -a "list" -d 'List Hubble objects'
complete -c hubble -n "__fish_hubble_needs_command" -f -a "watch" -d 'Watch Hubble objects'
complete -c hubble -n "__fish_hubble_needs_command" -f -a "version" -d 'Show the client version'
complete -c hubble -n "__fish_hubble_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c hubble -n "__fish_hubble_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l last -d 'The last N flows in the server\'s buffer [default: 20]' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l first -d 'The first N flows in the server\'s buffer' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l since -d 'Flows since this time: a duration back from now (5m, 1h30m) or a date (2006-01-02, 2006-01-02T15Z, 2006-01-02T15:04Z, RFC 3339, RFC 1123 with numeric zone)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l until -d 'Flows until this time (same formats as --since; ignored with --follow)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-ip -d 'Flows from this IP address or CIDR (e.g. 1.1.1.1, 1.1.1.0/24)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l ip -d 'Flows from or to this IP address or CIDR' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-ip -d 'Flows to this IP address or CIDR' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l snat-ip -d 'Flows SNATed to this IP address or CIDR' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-port -d 'Flows from this port (e.g. 8080)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l port -d 'Flows from or to this port' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-port -d 'Flows to this port' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l protocol -d 'Flows of this L4 or L7 protocol: tcp, udp, sctp, icmp, icmpv4, icmpv6, vrrp, igmp, dns, http, kafka' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l verdict -d 'Flows with this verdict: FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED (upper case)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l drop-reason-desc -d 'Drops with this reason (e.g. POLICY_DENIED, UNSUPPORTED_L3_PROTOCOL)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s t -l type -d 'Events of this type: trace[:POINT], drop, capture, l7, policy-verdict, trace-sock or a number. POINT: to-network, from-network, to-stack, from-stack, to-endpoint, from-endpoint, to-host, from-host, to-proxy, from-proxy, to-overlay, from-overlay, to-crypto, from-crypto or a number. trace-audit: what policy audit mode let through (verdict AUDIT)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l tcp-flags -d 'Flows with all of these TCP flags (e.g. syn, syn,ack, fin)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-label -d 'Flows from an endpoint with these labels (e.g. key1=value1, reserved:world)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s l -l label -d 'Flows from or to an endpoint with these labels' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-label -d 'Flows to an endpoint with these labels' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-identity -d 'Flows from this security identity: a number or a reserved name (host, world, remote-node, health, ...)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l identity -d 'Flows from or to this security identity' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-identity -d 'Flows to this security identity' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l node-name -d 'Flows observed on these nodes (e.g. vm-*, cluster/vm-1)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l node-label -d 'Flows observed on nodes with these labels (e.g. key1=value1)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l ip-version -d 'Flows of this IP version (none: non-IP, e.g. ARP)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l traffic-direction -d 'Flows in this direction' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l uuid -d 'The flow with this unique identifier' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l interface -d 'Flows observed at this network interface (e.g. eth0)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l trace-id -d 'Flows with this trace ID' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l ip-trace-id -d 'Flows with this IP trace ID' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l http-status -d 'HTTP flows with this status code prefix (e.g. 404, 5+)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l http-method -d 'HTTP flows with this method (e.g. get, post)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l http-path -d 'HTTP flows whose path matches this regular expression' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l http-url -d 'HTTP flows whose URL matches this regular expression' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l http-header -d 'HTTP flows with this header' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-fqdn -d 'Flows from this domain name (e.g. *.cilium.io)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l fqdn -d 'Flows from or to this domain name' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-fqdn -d 'Flows to this domain name' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-pod -d 'Flows from pods with this name prefix (namespace default: default)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l pod -d 'Flows from or to pods with this name prefix' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-pod -d 'Flows to pods with this name prefix' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-namespace -d 'Flows from this Kubernetes namespace' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s n -l namespace -d 'Flows from or to this Kubernetes namespace' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-namespace -d 'Flows to this Kubernetes namespace' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-service -d 'Flows from this service\'s ClusterIP (name prefix)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l service -d 'Flows from or to this service\'s ClusterIP' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-service -d 'Flows to this service\'s ClusterIP' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-workload -d 'Flows from endpoints of this workload' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l workload -d 'Flows from or to endpoints of this workload' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-workload -d 'Flows to endpoints of this workload' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-cluster -d 'Flows from endpoints of this cluster' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l cluster -d 'Flows from or to endpoints of these clusters (e.g. prod-*)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-cluster -d 'Flows to endpoints of this cluster' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l cel-expression -d 'Flows matching this CEL expression' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l allowlist -d 'FlowFilter as JSON (proto field names) to add to the allowlist, e.g. \'{"source_ip":["1.1.1.1"]}\'' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l denylist -d 'FlowFilter as JSON to add to the denylist' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s o -l output -d 'Output format: compact, dict (KEY: value blocks), table, json (one GetFlowsResponse per line; jsonpb is the same)' -r -f -a "compact\t''
dict\t''
json\t''
jsonpb\t''
table\t''
tab\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l time-format -d 'How to print times (in UTC): StampMilli, RFC3339, RFC3339Milli, RFC3339Micro, RFC3339Nano, RFC1123Z, YearMonthDay, YearMonthDayHour, YearMonthDayHourMinute, Stamp, StampMicro, StampNano, Kitchen' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l ip-translation -d 'Print pod, service or DNS names instead of IPs (--ip-translation=false: as --numeric)' -r -f -a "true\t''
false\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l color -d 'Colors for compact and dict output: auto (on a terminal without NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l field-mask -d 'Only return these fields of each flow (JSON output only), e.g. time,verdict,IP' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l use-default-field-masks -d 'Ask only for the fields compact, dict and table output print (=false: whole flows)' -r -f -a "true\t''
false\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l input-file -d 'Read flows from this file (\'-\' for stdin) instead of a server: JSON lines as written by -o json' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l all -d 'Every flow in the server\'s buffer (combine with filters)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s f -l follow -d 'Keep printing new flows as they come (Ctrl-C ends)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l not -d 'Put the next filter on the denylist, e.g. --not --from-ip 2.2.2.2'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s 4 -l ipv4 -d 'IPv4 flows only'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s 6 -l ipv6 -d 'IPv6 flows only'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l encrypted -d 'Encrypted flows only (WireGuard, IPsec)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l unencrypted -d 'Unencrypted flows only'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l from-all-namespaces -d 'Flows from any Kubernetes namespace'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s A -l all-namespaces -d 'Flows from or to any Kubernetes namespace'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l to-all-namespaces -d 'Flows to any Kubernetes namespace'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l print-node-name -d 'Print the node name of each flow'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l print-policy-names -d 'Print the names of the policies that allowed or denied a flow'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l numeric -d 'Print IPs instead of pod, service or DNS names'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l print-raw-filters -d 'Print the allowlist and denylist the filter flags make, then exit'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s s -l silent-errors -d 'Do not print warnings and node-status messages'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -f -a "flows" -d 'Observe flows (the same as `hubble observe`)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -f -a "agent-events" -d 'Observe Cilium agent events'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -f -a "debug-events" -d 'Observe Cilium debug events (the datapath\'s, with `cilium config Debug=true`)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and not __fish_seen_subcommand_from flows agent-events debug-events help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l last -d 'The last N flows in the server\'s buffer [default: 20]' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l first -d 'The first N flows in the server\'s buffer' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l since -d 'Flows since this time: a duration back from now (5m, 1h30m) or a date (2006-01-02, 2006-01-02T15Z, 2006-01-02T15:04Z, RFC 3339, RFC 1123 with numeric zone)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l until -d 'Flows until this time (same formats as --since; ignored with --follow)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-ip -d 'Flows from this IP address or CIDR (e.g. 1.1.1.1, 1.1.1.0/24)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l ip -d 'Flows from or to this IP address or CIDR' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-ip -d 'Flows to this IP address or CIDR' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l snat-ip -d 'Flows SNATed to this IP address or CIDR' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-port -d 'Flows from this port (e.g. 8080)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l port -d 'Flows from or to this port' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-port -d 'Flows to this port' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l protocol -d 'Flows of this L4 or L7 protocol: tcp, udp, sctp, icmp, icmpv4, icmpv6, vrrp, igmp, dns, http, kafka' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l verdict -d 'Flows with this verdict: FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED (upper case)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l drop-reason-desc -d 'Drops with this reason (e.g. POLICY_DENIED, UNSUPPORTED_L3_PROTOCOL)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s t -l type -d 'Events of this type: trace[:POINT], drop, capture, l7, policy-verdict, trace-sock or a number. POINT: to-network, from-network, to-stack, from-stack, to-endpoint, from-endpoint, to-host, from-host, to-proxy, from-proxy, to-overlay, from-overlay, to-crypto, from-crypto or a number. trace-audit: what policy audit mode let through (verdict AUDIT)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l tcp-flags -d 'Flows with all of these TCP flags (e.g. syn, syn,ack, fin)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-label -d 'Flows from an endpoint with these labels (e.g. key1=value1, reserved:world)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s l -l label -d 'Flows from or to an endpoint with these labels' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-label -d 'Flows to an endpoint with these labels' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-identity -d 'Flows from this security identity: a number or a reserved name (host, world, remote-node, health, ...)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l identity -d 'Flows from or to this security identity' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-identity -d 'Flows to this security identity' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l node-name -d 'Flows observed on these nodes (e.g. vm-*, cluster/vm-1)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l node-label -d 'Flows observed on nodes with these labels (e.g. key1=value1)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l ip-version -d 'Flows of this IP version (none: non-IP, e.g. ARP)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l traffic-direction -d 'Flows in this direction' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l uuid -d 'The flow with this unique identifier' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l interface -d 'Flows observed at this network interface (e.g. eth0)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l trace-id -d 'Flows with this trace ID' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l ip-trace-id -d 'Flows with this IP trace ID' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l http-status -d 'HTTP flows with this status code prefix (e.g. 404, 5+)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l http-method -d 'HTTP flows with this method (e.g. get, post)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l http-path -d 'HTTP flows whose path matches this regular expression' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l http-url -d 'HTTP flows whose URL matches this regular expression' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l http-header -d 'HTTP flows with this header' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-fqdn -d 'Flows from this domain name (e.g. *.cilium.io)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l fqdn -d 'Flows from or to this domain name' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-fqdn -d 'Flows to this domain name' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-pod -d 'Flows from pods with this name prefix (namespace default: default)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l pod -d 'Flows from or to pods with this name prefix' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-pod -d 'Flows to pods with this name prefix' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-namespace -d 'Flows from this Kubernetes namespace' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s n -l namespace -d 'Flows from or to this Kubernetes namespace' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-namespace -d 'Flows to this Kubernetes namespace' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-service -d 'Flows from this service\'s ClusterIP (name prefix)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l service -d 'Flows from or to this service\'s ClusterIP' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-service -d 'Flows to this service\'s ClusterIP' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-workload -d 'Flows from endpoints of this workload' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l workload -d 'Flows from or to endpoints of this workload' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-workload -d 'Flows to endpoints of this workload' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-cluster -d 'Flows from endpoints of this cluster' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l cluster -d 'Flows from or to endpoints of these clusters (e.g. prod-*)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-cluster -d 'Flows to endpoints of this cluster' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l cel-expression -d 'Flows matching this CEL expression' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l allowlist -d 'FlowFilter as JSON (proto field names) to add to the allowlist, e.g. \'{"source_ip":["1.1.1.1"]}\'' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l denylist -d 'FlowFilter as JSON to add to the denylist' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s o -l output -d 'Output format: compact, dict (KEY: value blocks), table, json (one GetFlowsResponse per line; jsonpb is the same)' -r -f -a "compact\t''
dict\t''
json\t''
jsonpb\t''
table\t''
tab\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l time-format -d 'How to print times (in UTC): StampMilli, RFC3339, RFC3339Milli, RFC3339Micro, RFC3339Nano, RFC1123Z, YearMonthDay, YearMonthDayHour, YearMonthDayHourMinute, Stamp, StampMicro, StampNano, Kitchen' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l ip-translation -d 'Print pod, service or DNS names instead of IPs (--ip-translation=false: as --numeric)' -r -f -a "true\t''
false\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l color -d 'Colors for compact and dict output: auto (on a terminal without NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l field-mask -d 'Only return these fields of each flow (JSON output only), e.g. time,verdict,IP' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l use-default-field-masks -d 'Ask only for the fields compact, dict and table output print (=false: whole flows)' -r -f -a "true\t''
false\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l input-file -d 'Read flows from this file (\'-\' for stdin) instead of a server: JSON lines as written by -o json' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l all -d 'Every flow in the server\'s buffer (combine with filters)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s f -l follow -d 'Keep printing new flows as they come (Ctrl-C ends)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l not -d 'Put the next filter on the denylist, e.g. --not --from-ip 2.2.2.2'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s 4 -l ipv4 -d 'IPv4 flows only'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s 6 -l ipv6 -d 'IPv6 flows only'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l encrypted -d 'Encrypted flows only (WireGuard, IPsec)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l unencrypted -d 'Unencrypted flows only'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l from-all-namespaces -d 'Flows from any Kubernetes namespace'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s A -l all-namespaces -d 'Flows from or to any Kubernetes namespace'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l to-all-namespaces -d 'Flows to any Kubernetes namespace'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l print-node-name -d 'Print the node name of each flow'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l print-policy-names -d 'Print the names of the policies that allowed or denied a flow'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l numeric -d 'Print IPs instead of pod, service or DNS names'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l print-raw-filters -d 'Print the allowlist and denylist the filter flags make, then exit'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s s -l silent-errors -d 'Do not print warnings and node-status messages'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from flows" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l last -d 'The last N events [default: 20]' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l first -d 'The first N events in the server\'s buffer' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l since -d 'Events since this time (same formats as for flows)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l until -d 'Events until this time (ignored with --follow)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -s o -l output -d 'Output format: compact, dict, table, json (jsonpb is the same)' -r -f -a "compact\t''
dict\t''
table\t''
json\t''
jsonpb\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l time-format -d 'How to print times (as for flows)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l all -d 'Every event in the server\'s buffer'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -s f -l follow -d 'Keep printing new events as they come (Ctrl-C ends)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l print-node-name -d 'Print the node name of each event'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from agent-events" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l last -d 'The last N events [default: 20]' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l first -d 'The first N events in the server\'s buffer' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l since -d 'Events since this time (same formats as for flows)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l until -d 'Events until this time (ignored with --follow)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -s o -l output -d 'Output format: compact, dict, table, json (jsonpb is the same)' -r -f -a "compact\t''
dict\t''
table\t''
json\t''
jsonpb\t''"
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l time-format -d 'How to print times (as for flows)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l all -d 'Every event in the server\'s buffer'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -s f -l follow -d 'Keep printing new events as they come (Ctrl-C ends)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l print-node-name -d 'Print the node name of each event'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from debug-events" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from help" -f -a "flows" -d 'Observe flows (the same as `hubble observe`)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from help" -f -a "agent-events" -d 'Observe Cilium agent events'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from help" -f -a "debug-events" -d 'Observe Cilium debug events (the datapath\'s, with `cilium config Debug=true`)'
complete -c hubble -n "__fish_hubble_using_subcommand observe; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubble -n "__fish_hubble_using_subcommand status" -s o -l output -d 'Output format: compact, dict (KEY: value pairs), json, table' -r -f -a "compact\t''
dict\t''
json\t''
jsonpb\t''
table\t''
tab\t''"
complete -c hubble -n "__fish_hubble_using_subcommand status" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand status" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand status" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand status" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand status" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand status" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand status" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand status" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand status" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand status" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand status" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand status" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -f -a "nodes" -d 'List Hubble nodes'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -f -a "node" -d 'List Hubble nodes'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -f -a "namespaces" -d 'List namespaces with recent flows'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -f -a "namespace" -d 'List namespaces with recent flows'
complete -c hubble -n "__fish_hubble_using_subcommand list; and not __fish_seen_subcommand_from nodes node namespaces namespace help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -s o -l output -d 'Output format: table, wide (with version, address and TLS), json' -r -f -a "table\t''
wide\t''
json\t''"
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from nodes" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -s o -l output -d 'Output format: table, wide (with version, address and TLS), json' -r -f -a "table\t''
wide\t''
json\t''"
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from node" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -s o -l output -d 'Output format: table, wide (with version, address and TLS), json' -r -f -a "table\t''
wide\t''
json\t''"
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespaces" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -s o -l output -d 'Output format: table, wide (with version, address and TLS), json' -r -f -a "table\t''
wide\t''
json\t''"
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from namespace" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "nodes" -d 'List Hubble nodes'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "namespaces" -d 'List namespaces with recent flows'
complete -c hubble -n "__fish_hubble_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -f -a "peers" -d 'Watch for Hubble peers updates'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -f -a "peer" -d 'Watch for Hubble peers updates'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and not __fish_seen_subcommand_from peers peer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peers" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from peer" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "peers" -d 'Watch for Hubble peers updates'
complete -c hubble -n "__fish_hubble_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubble -n "__fish_hubble_using_subcommand version" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand version" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand version" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand version" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand version" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand version" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand version" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand version" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand version" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand version" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand version" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand version" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l server -d 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided' -r
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l tls-ca-cert-files -d 'PEM files of the Certificate Authorities that sign the server\'s certificate' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l tls-client-cert-file -d 'PEM file of the client certificate, for servers that require mutual TLS' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l tls-client-key-file -d 'PEM file of the client certificate\'s private key' -r -F
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l tls-server-name -d 'Name to verify the server\'s certificate against (e.g. \'*.default.hubble-grpc.cilium.io\'; default: the host of --server)' -r
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l timeout -d 'How long to wait for the connection' -r
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l request-timeout -d 'How long to wait for an answer to a single request (status, list nodes)' -r
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l tls -d 'Use TLS to connect to the server (implied by a tls:// address)'
complete -c hubble -n "__fish_hubble_using_subcommand completion" -l tls-allow-insecure -d 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)'
complete -c hubble -n "__fish_hubble_using_subcommand completion" -s D -l debug -d 'Print debug messages'
complete -c hubble -n "__fish_hubble_using_subcommand completion" -s h -l help -d 'Print help'
complete -c hubble -n "__fish_hubble_using_subcommand completion" -s V -l version -d 'Print version'
complete -c hubble -n "__fish_hubble_using_subcommand help; and not __fish_seen_subcommand_from observe status list watch version completion help" -f -a "observe" -d 'Observe flows of a Hubble server'
complete -c hubble -n "__fish_hubble_using_subcommand help; and not __fish_seen_subcommand_from observe status list watch version completion help" -f -a "status" -d 'Show the health and flow counters of a Hubble server'
complete -c hubble -n "__fish_hubble_using_subcommand help; and not __fish_seen_subcommand_from observe status list watch version completion help" -f -a "list" -d 'List Hubble objects'
complete -c hubble -n "__fish_hubble_using_subcommand help; and not __fish_seen_subcommand_from observe status list watch version completion help" -f -a "watch" -d 'Watch Hubble objects'
complete -c hubble -n "__fish_hubble_using_subcommand help; and not __fish_seen_subcommand_from observe status list watch version completion help" -f -a "version" -d 'Show the client version'
complete -c hubble -n "__fish_hubble_using_subcommand help; and not __fish_seen_subcommand_from observe status list watch version completion help" -f -a "completion" -d 'Print a shell completion script'
complete -c hubble -n "__fish_hubble_using_subcommand help; and not __fish_seen_subcommand_from observe status list watch version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hubble -n "__fish_hubble_using_subcommand help; and __fish_seen_subcommand_from observe" -f -a "flows" -d 'Observe flows (the same as `hubble observe`)'
complete -c hubble -n "__fish_hubble_using_subcommand help; and __fish_seen_subcommand_from observe" -f -a "agent-events" -d 'Observe Cilium agent events'
complete -c hubble -n "__fish_hubble_using_subcommand help; and __fish_seen_subcommand_from observe" -f -a "debug-events" -d 'Observe Cilium debug events (the datapath\'s, with `cilium config Debug=true`)'
complete -c hubble -n "__fish_hubble_using_subcommand help; and __fish_seen_subcommand_from list" -f -a "nodes" -d 'List Hubble nodes'
complete -c hubble -n "__fish_hubble_using_subcommand help; and __fish_seen_subcommand_from list" -f -a "namespaces" -d 'List namespaces with recent flows'
complete -c hubble -n "__fish_hubble_using_subcommand help; and __fish_seen_subcommand_from watch" -f -a "peers" -d 'Watch for Hubble peers updates'
