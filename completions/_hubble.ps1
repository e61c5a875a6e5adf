
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hubble' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hubble'
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
        'hubble' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('observe', 'observe', [CompletionResultType]::ParameterValue, 'Observe flows of a Hubble server')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the health and flow counters of a Hubble server')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List Hubble objects')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch Hubble objects')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Show the client version')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubble;observe' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'The last N flows in the server''s buffer [default: 20]')
            [CompletionResult]::new('--first', '--first', [CompletionResultType]::ParameterName, 'The first N flows in the server''s buffer')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Flows since this time: a duration back from now (5m, 1h30m) or a date (2006-01-02, 2006-01-02T15Z, 2006-01-02T15:04Z, RFC 3339, RFC 1123 with numeric zone)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Flows until this time (same formats as --since; ignored with --follow)')
            [CompletionResult]::new('--from-ip', '--from-ip', [CompletionResultType]::ParameterName, 'Flows from this IP address or CIDR (e.g. 1.1.1.1, 1.1.1.0/24)')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'Flows from or to this IP address or CIDR')
            [CompletionResult]::new('--to-ip', '--to-ip', [CompletionResultType]::ParameterName, 'Flows to this IP address or CIDR')
            [CompletionResult]::new('--snat-ip', '--snat-ip', [CompletionResultType]::ParameterName, 'Flows SNATed to this IP address or CIDR')
            [CompletionResult]::new('--from-port', '--from-port', [CompletionResultType]::ParameterName, 'Flows from this port (e.g. 8080)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Flows from or to this port')
            [CompletionResult]::new('--to-port', '--to-port', [CompletionResultType]::ParameterName, 'Flows to this port')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Flows of this L4 or L7 protocol: tcp, udp, sctp, icmp, icmpv4, icmpv6, vrrp, igmp, dns, http, kafka')
            [CompletionResult]::new('--verdict', '--verdict', [CompletionResultType]::ParameterName, 'Flows with this verdict: FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED (upper case)')
            [CompletionResult]::new('--drop-reason-desc', '--drop-reason-desc', [CompletionResultType]::ParameterName, 'Drops with this reason (e.g. POLICY_DENIED, UNSUPPORTED_L3_PROTOCOL)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Events of this type: trace[:POINT], drop, capture, l7, policy-verdict, trace-sock or a number. POINT: to-network, from-network, to-stack, from-stack, to-endpoint, from-endpoint, to-host, from-host, to-proxy, from-proxy, to-overlay, from-overlay, to-crypto, from-crypto or a number. trace-audit: what policy audit mode let through (verdict AUDIT)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Events of this type: trace[:POINT], drop, capture, l7, policy-verdict, trace-sock or a number. POINT: to-network, from-network, to-stack, from-stack, to-endpoint, from-endpoint, to-host, from-host, to-proxy, from-proxy, to-overlay, from-overlay, to-crypto, from-crypto or a number. trace-audit: what policy audit mode let through (verdict AUDIT)')
            [CompletionResult]::new('--tcp-flags', '--tcp-flags', [CompletionResultType]::ParameterName, 'Flows with all of these TCP flags (e.g. syn, syn,ack, fin)')
            [CompletionResult]::new('--from-label', '--from-label', [CompletionResultType]::ParameterName, 'Flows from an endpoint with these labels (e.g. key1=value1, reserved:world)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Flows from or to an endpoint with these labels')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Flows from or to an endpoint with these labels')
            [CompletionResult]::new('--to-label', '--to-label', [CompletionResultType]::ParameterName, 'Flows to an endpoint with these labels')
            [CompletionResult]::new('--from-identity', '--from-identity', [CompletionResultType]::ParameterName, 'Flows from this security identity: a number or a reserved name (host, world, remote-node, health, ...)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Flows from or to this security identity')
            [CompletionResult]::new('--to-identity', '--to-identity', [CompletionResultType]::ParameterName, 'Flows to this security identity')
            [CompletionResult]::new('--node-name', '--node-name', [CompletionResultType]::ParameterName, 'Flows observed on these nodes (e.g. vm-*, cluster/vm-1)')
            [CompletionResult]::new('--node-label', '--node-label', [CompletionResultType]::ParameterName, 'Flows observed on nodes with these labels (e.g. key1=value1)')
            [CompletionResult]::new('--ip-version', '--ip-version', [CompletionResultType]::ParameterName, 'Flows of this IP version (none: non-IP, e.g. ARP)')
            [CompletionResult]::new('--traffic-direction', '--traffic-direction', [CompletionResultType]::ParameterName, 'Flows in this direction')
            [CompletionResult]::new('--uuid', '--uuid', [CompletionResultType]::ParameterName, 'The flow with this unique identifier')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Flows observed at this network interface (e.g. eth0)')
            [CompletionResult]::new('--trace-id', '--trace-id', [CompletionResultType]::ParameterName, 'Flows with this trace ID')
            [CompletionResult]::new('--ip-trace-id', '--ip-trace-id', [CompletionResultType]::ParameterName, 'Flows with this IP trace ID')
            [CompletionResult]::new('--http-status', '--http-status', [CompletionResultType]::ParameterName, 'HTTP flows with this status code prefix (e.g. 404, 5+)')
            [CompletionResult]::new('--http-method', '--http-method', [CompletionResultType]::ParameterName, 'HTTP flows with this method (e.g. get, post)')
            [CompletionResult]::new('--http-path', '--http-path', [CompletionResultType]::ParameterName, 'HTTP flows whose path matches this regular expression')
            [CompletionResult]::new('--http-url', '--http-url', [CompletionResultType]::ParameterName, 'HTTP flows whose URL matches this regular expression')
            [CompletionResult]::new('--http-header', '--http-header', [CompletionResultType]::ParameterName, 'HTTP flows with this header')
            [CompletionResult]::new('--from-fqdn', '--from-fqdn', [CompletionResultType]::ParameterName, 'Flows from this domain name (e.g. *.cilium.io)')
            [CompletionResult]::new('--fqdn', '--fqdn', [CompletionResultType]::ParameterName, 'Flows from or to this domain name')
            [CompletionResult]::new('--to-fqdn', '--to-fqdn', [CompletionResultType]::ParameterName, 'Flows to this domain name')
            [CompletionResult]::new('--from-pod', '--from-pod', [CompletionResultType]::ParameterName, 'Flows from pods with this name prefix (namespace default: default)')
            [CompletionResult]::new('--pod', '--pod', [CompletionResultType]::ParameterName, 'Flows from or to pods with this name prefix')
            [CompletionResult]::new('--to-pod', '--to-pod', [CompletionResultType]::ParameterName, 'Flows to pods with this name prefix')
            [CompletionResult]::new('--from-namespace', '--from-namespace', [CompletionResultType]::ParameterName, 'Flows from this Kubernetes namespace')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Flows from or to this Kubernetes namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Flows from or to this Kubernetes namespace')
            [CompletionResult]::new('--to-namespace', '--to-namespace', [CompletionResultType]::ParameterName, 'Flows to this Kubernetes namespace')
            [CompletionResult]::new('--from-service', '--from-service', [CompletionResultType]::ParameterName, 'Flows from this service''s ClusterIP (name prefix)')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Flows from or to this service''s ClusterIP')
            [CompletionResult]::new('--to-service', '--to-service', [CompletionResultType]::ParameterName, 'Flows to this service''s ClusterIP')
            [CompletionResult]::new('--from-workload', '--from-workload', [CompletionResultType]::ParameterName, 'Flows from endpoints of this workload')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'Flows from or to endpoints of this workload')
            [CompletionResult]::new('--to-workload', '--to-workload', [CompletionResultType]::ParameterName, 'Flows to endpoints of this workload')
            [CompletionResult]::new('--from-cluster', '--from-cluster', [CompletionResultType]::ParameterName, 'Flows from endpoints of this cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Flows from or to endpoints of these clusters (e.g. prod-*)')
            [CompletionResult]::new('--to-cluster', '--to-cluster', [CompletionResultType]::ParameterName, 'Flows to endpoints of this cluster')
            [CompletionResult]::new('--cel-expression', '--cel-expression', [CompletionResultType]::ParameterName, 'Flows matching this CEL expression')
            [CompletionResult]::new('--allowlist', '--allowlist', [CompletionResultType]::ParameterName, 'FlowFilter as JSON (proto field names) to add to the allowlist, e.g. ''{"source_ip":["1.1.1.1"]}''')
            [CompletionResult]::new('--denylist', '--denylist', [CompletionResultType]::ParameterName, 'FlowFilter as JSON to add to the denylist')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: compact, dict (KEY: value blocks), table, json (one GetFlowsResponse per line; jsonpb is the same)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: compact, dict (KEY: value blocks), table, json (one GetFlowsResponse per line; jsonpb is the same)')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'How to print times (in UTC): StampMilli, RFC3339, RFC3339Milli, RFC3339Micro, RFC3339Nano, RFC1123Z, YearMonthDay, YearMonthDayHour, YearMonthDayHourMinute, Stamp, StampMicro, StampNano, Kitchen')
            [CompletionResult]::new('--ip-translation', '--ip-translation', [CompletionResultType]::ParameterName, 'Print pod, service or DNS names instead of IPs (--ip-translation=false: as --numeric)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colors for compact and dict output: auto (on a terminal without NO_COLOR), always, never')
            [CompletionResult]::new('--field-mask', '--field-mask', [CompletionResultType]::ParameterName, 'Only return these fields of each flow (JSON output only), e.g. time,verdict,IP')
            [CompletionResult]::new('--use-default-field-masks', '--use-default-field-masks', [CompletionResultType]::ParameterName, 'Ask only for the fields compact, dict and table output print (=false: whole flows)')
            [CompletionResult]::new('--input-file', '--input-file', [CompletionResultType]::ParameterName, 'Read flows from this file (''-'' for stdin) instead of a server: JSON lines as written by -o json')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every flow in the server''s buffer (combine with filters)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new flows as they come (Ctrl-C ends)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new flows as they come (Ctrl-C ends)')
            [CompletionResult]::new('--not', '--not', [CompletionResultType]::ParameterName, 'Put the next filter on the denylist, e.g. --not --from-ip 2.2.2.2')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 flows only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 flows only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 flows only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 flows only')
            [CompletionResult]::new('--encrypted', '--encrypted', [CompletionResultType]::ParameterName, 'Encrypted flows only (WireGuard, IPsec)')
            [CompletionResult]::new('--unencrypted', '--unencrypted', [CompletionResultType]::ParameterName, 'Unencrypted flows only')
            [CompletionResult]::new('--from-all-namespaces', '--from-all-namespaces', [CompletionResultType]::ParameterName, 'Flows from any Kubernetes namespace')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Flows from or to any Kubernetes namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Flows from or to any Kubernetes namespace')
            [CompletionResult]::new('--to-all-namespaces', '--to-all-namespaces', [CompletionResultType]::ParameterName, 'Flows to any Kubernetes namespace')
            [CompletionResult]::new('--print-node-name', '--print-node-name', [CompletionResultType]::ParameterName, 'Print the node name of each flow')
            [CompletionResult]::new('--print-policy-names', '--print-policy-names', [CompletionResultType]::ParameterName, 'Print the names of the policies that allowed or denied a flow')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Print IPs instead of pod, service or DNS names')
            [CompletionResult]::new('--print-raw-filters', '--print-raw-filters', [CompletionResultType]::ParameterName, 'Print the allowlist and denylist the filter flags make, then exit')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Do not print warnings and node-status messages')
            [CompletionResult]::new('--silent-errors', '--silent-errors', [CompletionResultType]::ParameterName, 'Do not print warnings and node-status messages')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('flows', 'flows', [CompletionResultType]::ParameterValue, 'Observe flows (the same as `hubble observe`)')
            [CompletionResult]::new('agent-events', 'agent-events', [CompletionResultType]::ParameterValue, 'Observe Cilium agent events')
            [CompletionResult]::new('debug-events', 'debug-events', [CompletionResultType]::ParameterValue, 'Observe Cilium debug events (the datapath''s, with `cilium config Debug=true`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubble;observe;flows' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'The last N flows in the server''s buffer [default: 20]')
            [CompletionResult]::new('--first', '--first', [CompletionResultType]::ParameterName, 'The first N flows in the server''s buffer')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Flows since this time: a duration back from now (5m, 1h30m) or a date (2006-01-02, 2006-01-02T15Z, 2006-01-02T15:04Z, RFC 3339, RFC 1123 with numeric zone)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Flows until this time (same formats as --since; ignored with --follow)')
            [CompletionResult]::new('--from-ip', '--from-ip', [CompletionResultType]::ParameterName, 'Flows from this IP address or CIDR (e.g. 1.1.1.1, 1.1.1.0/24)')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'Flows from or to this IP address or CIDR')
            [CompletionResult]::new('--to-ip', '--to-ip', [CompletionResultType]::ParameterName, 'Flows to this IP address or CIDR')
            [CompletionResult]::new('--snat-ip', '--snat-ip', [CompletionResultType]::ParameterName, 'Flows SNATed to this IP address or CIDR')
            [CompletionResult]::new('--from-port', '--from-port', [CompletionResultType]::ParameterName, 'Flows from this port (e.g. 8080)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Flows from or to this port')
            [CompletionResult]::new('--to-port', '--to-port', [CompletionResultType]::ParameterName, 'Flows to this port')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Flows of this L4 or L7 protocol: tcp, udp, sctp, icmp, icmpv4, icmpv6, vrrp, igmp, dns, http, kafka')
            [CompletionResult]::new('--verdict', '--verdict', [CompletionResultType]::ParameterName, 'Flows with this verdict: FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED (upper case)')
            [CompletionResult]::new('--drop-reason-desc', '--drop-reason-desc', [CompletionResultType]::ParameterName, 'Drops with this reason (e.g. POLICY_DENIED, UNSUPPORTED_L3_PROTOCOL)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Events of this type: trace[:POINT], drop, capture, l7, policy-verdict, trace-sock or a number. POINT: to-network, from-network, to-stack, from-stack, to-endpoint, from-endpoint, to-host, from-host, to-proxy, from-proxy, to-overlay, from-overlay, to-crypto, from-crypto or a number. trace-audit: what policy audit mode let through (verdict AUDIT)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Events of this type: trace[:POINT], drop, capture, l7, policy-verdict, trace-sock or a number. POINT: to-network, from-network, to-stack, from-stack, to-endpoint, from-endpoint, to-host, from-host, to-proxy, from-proxy, to-overlay, from-overlay, to-crypto, from-crypto or a number. trace-audit: what policy audit mode let through (verdict AUDIT)')
            [CompletionResult]::new('--tcp-flags', '--tcp-flags', [CompletionResultType]::ParameterName, 'Flows with all of these TCP flags (e.g. syn, syn,ack, fin)')
            [CompletionResult]::new('--from-label', '--from-label', [CompletionResultType]::ParameterName, 'Flows from an endpoint with these labels (e.g. key1=value1, reserved:world)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Flows from or to an endpoint with these labels')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Flows from or to an endpoint with these labels')
            [CompletionResult]::new('--to-label', '--to-label', [CompletionResultType]::ParameterName, 'Flows to an endpoint with these labels')
            [CompletionResult]::new('--from-identity', '--from-identity', [CompletionResultType]::ParameterName, 'Flows from this security identity: a number or a reserved name (host, world, remote-node, health, ...)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Flows from or to this security identity')
            [CompletionResult]::new('--to-identity', '--to-identity', [CompletionResultType]::ParameterName, 'Flows to this security identity')
            [CompletionResult]::new('--node-name', '--node-name', [CompletionResultType]::ParameterName, 'Flows observed on these nodes (e.g. vm-*, cluster/vm-1)')
            [CompletionResult]::new('--node-label', '--node-label', [CompletionResultType]::ParameterName, 'Flows observed on nodes with these labels (e.g. key1=value1)')
            [CompletionResult]::new('--ip-version', '--ip-version', [CompletionResultType]::ParameterName, 'Flows of this IP version (none: non-IP, e.g. ARP)')
            [CompletionResult]::new('--traffic-direction', '--traffic-direction', [CompletionResultType]::ParameterName, 'Flows in this direction')
            [CompletionResult]::new('--uuid', '--uuid', [CompletionResultType]::ParameterName, 'The flow with this unique identifier')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Flows observed at this network interface (e.g. eth0)')
            [CompletionResult]::new('--trace-id', '--trace-id', [CompletionResultType]::ParameterName, 'Flows with this trace ID')
            [CompletionResult]::new('--ip-trace-id', '--ip-trace-id', [CompletionResultType]::ParameterName, 'Flows with this IP trace ID')
            [CompletionResult]::new('--http-status', '--http-status', [CompletionResultType]::ParameterName, 'HTTP flows with this status code prefix (e.g. 404, 5+)')
            [CompletionResult]::new('--http-method', '--http-method', [CompletionResultType]::ParameterName, 'HTTP flows with this method (e.g. get, post)')
            [CompletionResult]::new('--http-path', '--http-path', [CompletionResultType]::ParameterName, 'HTTP flows whose path matches this regular expression')
            [CompletionResult]::new('--http-url', '--http-url', [CompletionResultType]::ParameterName, 'HTTP flows whose URL matches this regular expression')
            [CompletionResult]::new('--http-header', '--http-header', [CompletionResultType]::ParameterName, 'HTTP flows with this header')
            [CompletionResult]::new('--from-fqdn', '--from-fqdn', [CompletionResultType]::ParameterName, 'Flows from this domain name (e.g. *.cilium.io)')
            [CompletionResult]::new('--fqdn', '--fqdn', [CompletionResultType]::ParameterName, 'Flows from or to this domain name')
            [CompletionResult]::new('--to-fqdn', '--to-fqdn', [CompletionResultType]::ParameterName, 'Flows to this domain name')
            [CompletionResult]::new('--from-pod', '--from-pod', [CompletionResultType]::ParameterName, 'Flows from pods with this name prefix (namespace default: default)')
            [CompletionResult]::new('--pod', '--pod', [CompletionResultType]::ParameterName, 'Flows from or to pods with this name prefix')
            [CompletionResult]::new('--to-pod', '--to-pod', [CompletionResultType]::ParameterName, 'Flows to pods with this name prefix')
            [CompletionResult]::new('--from-namespace', '--from-namespace', [CompletionResultType]::ParameterName, 'Flows from this Kubernetes namespace')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Flows from or to this Kubernetes namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Flows from or to this Kubernetes namespace')
            [CompletionResult]::new('--to-namespace', '--to-namespace', [CompletionResultType]::ParameterName, 'Flows to this Kubernetes namespace')
            [CompletionResult]::new('--from-service', '--from-service', [CompletionResultType]::ParameterName, 'Flows from this service''s ClusterIP (name prefix)')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Flows from or to this service''s ClusterIP')
            [CompletionResult]::new('--to-service', '--to-service', [CompletionResultType]::ParameterName, 'Flows to this service''s ClusterIP')
            [CompletionResult]::new('--from-workload', '--from-workload', [CompletionResultType]::ParameterName, 'Flows from endpoints of this workload')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'Flows from or to endpoints of this workload')
            [CompletionResult]::new('--to-workload', '--to-workload', [CompletionResultType]::ParameterName, 'Flows to endpoints of this workload')
            [CompletionResult]::new('--from-cluster', '--from-cluster', [CompletionResultType]::ParameterName, 'Flows from endpoints of this cluster')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Flows from or to endpoints of these clusters (e.g. prod-*)')
            [CompletionResult]::new('--to-cluster', '--to-cluster', [CompletionResultType]::ParameterName, 'Flows to endpoints of this cluster')
            [CompletionResult]::new('--cel-expression', '--cel-expression', [CompletionResultType]::ParameterName, 'Flows matching this CEL expression')
            [CompletionResult]::new('--allowlist', '--allowlist', [CompletionResultType]::ParameterName, 'FlowFilter as JSON (proto field names) to add to the allowlist, e.g. ''{"source_ip":["1.1.1.1"]}''')
            [CompletionResult]::new('--denylist', '--denylist', [CompletionResultType]::ParameterName, 'FlowFilter as JSON to add to the denylist')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: compact, dict (KEY: value blocks), table, json (one GetFlowsResponse per line; jsonpb is the same)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: compact, dict (KEY: value blocks), table, json (one GetFlowsResponse per line; jsonpb is the same)')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'How to print times (in UTC): StampMilli, RFC3339, RFC3339Milli, RFC3339Micro, RFC3339Nano, RFC1123Z, YearMonthDay, YearMonthDayHour, YearMonthDayHourMinute, Stamp, StampMicro, StampNano, Kitchen')
            [CompletionResult]::new('--ip-translation', '--ip-translation', [CompletionResultType]::ParameterName, 'Print pod, service or DNS names instead of IPs (--ip-translation=false: as --numeric)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colors for compact and dict output: auto (on a terminal without NO_COLOR), always, never')
            [CompletionResult]::new('--field-mask', '--field-mask', [CompletionResultType]::ParameterName, 'Only return these fields of each flow (JSON output only), e.g. time,verdict,IP')
            [CompletionResult]::new('--use-default-field-masks', '--use-default-field-masks', [CompletionResultType]::ParameterName, 'Ask only for the fields compact, dict and table output print (=false: whole flows)')
            [CompletionResult]::new('--input-file', '--input-file', [CompletionResultType]::ParameterName, 'Read flows from this file (''-'' for stdin) instead of a server: JSON lines as written by -o json')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every flow in the server''s buffer (combine with filters)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new flows as they come (Ctrl-C ends)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new flows as they come (Ctrl-C ends)')
            [CompletionResult]::new('--not', '--not', [CompletionResultType]::ParameterName, 'Put the next filter on the denylist, e.g. --not --from-ip 2.2.2.2')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 flows only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 flows only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 flows only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 flows only')
            [CompletionResult]::new('--encrypted', '--encrypted', [CompletionResultType]::ParameterName, 'Encrypted flows only (WireGuard, IPsec)')
            [CompletionResult]::new('--unencrypted', '--unencrypted', [CompletionResultType]::ParameterName, 'Unencrypted flows only')
            [CompletionResult]::new('--from-all-namespaces', '--from-all-namespaces', [CompletionResultType]::ParameterName, 'Flows from any Kubernetes namespace')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Flows from or to any Kubernetes namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Flows from or to any Kubernetes namespace')
            [CompletionResult]::new('--to-all-namespaces', '--to-all-namespaces', [CompletionResultType]::ParameterName, 'Flows to any Kubernetes namespace')
            [CompletionResult]::new('--print-node-name', '--print-node-name', [CompletionResultType]::ParameterName, 'Print the node name of each flow')
            [CompletionResult]::new('--print-policy-names', '--print-policy-names', [CompletionResultType]::ParameterName, 'Print the names of the policies that allowed or denied a flow')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Print IPs instead of pod, service or DNS names')
            [CompletionResult]::new('--print-raw-filters', '--print-raw-filters', [CompletionResultType]::ParameterName, 'Print the allowlist and denylist the filter flags make, then exit')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Do not print warnings and node-status messages')
            [CompletionResult]::new('--silent-errors', '--silent-errors', [CompletionResultType]::ParameterName, 'Do not print warnings and node-status messages')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;observe;agent-events' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'The last N events [default: 20]')
            [CompletionResult]::new('--first', '--first', [CompletionResultType]::ParameterName, 'The first N events in the server''s buffer')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Events since this time (same formats as for flows)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Events until this time (ignored with --follow)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: compact, dict, table, json (jsonpb is the same)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: compact, dict, table, json (jsonpb is the same)')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'How to print times (as for flows)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every event in the server''s buffer')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new events as they come (Ctrl-C ends)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new events as they come (Ctrl-C ends)')
            [CompletionResult]::new('--print-node-name', '--print-node-name', [CompletionResultType]::ParameterName, 'Print the node name of each event')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;observe;debug-events' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'The last N events [default: 20]')
            [CompletionResult]::new('--first', '--first', [CompletionResultType]::ParameterName, 'The first N events in the server''s buffer')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Events since this time (same formats as for flows)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Events until this time (ignored with --follow)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: compact, dict, table, json (jsonpb is the same)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: compact, dict, table, json (jsonpb is the same)')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'How to print times (as for flows)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every event in the server''s buffer')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new events as they come (Ctrl-C ends)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new events as they come (Ctrl-C ends)')
            [CompletionResult]::new('--print-node-name', '--print-node-name', [CompletionResultType]::ParameterName, 'Print the node name of each event')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;observe;help' {
            [CompletionResult]::new('flows', 'flows', [CompletionResultType]::ParameterValue, 'Observe flows (the same as `hubble observe`)')
            [CompletionResult]::new('agent-events', 'agent-events', [CompletionResultType]::ParameterValue, 'Observe Cilium agent events')
            [CompletionResult]::new('debug-events', 'debug-events', [CompletionResultType]::ParameterValue, 'Observe Cilium debug events (the datapath''s, with `cilium config Debug=true`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubble;observe;help;flows' {
            break
        }
        'hubble;observe;help;agent-events' {
            break
        }
        'hubble;observe;help;debug-events' {
            break
        }
        'hubble;observe;help;help' {
            break
        }
        'hubble;status' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: compact, dict (KEY: value pairs), json, table')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: compact, dict (KEY: value pairs), json, table')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'List Hubble nodes')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'List Hubble nodes')
            [CompletionResult]::new('namespaces', 'namespaces', [CompletionResultType]::ParameterValue, 'List namespaces with recent flows')
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'List namespaces with recent flows')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubble;list;nodes' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide (with version, address and TLS), json')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide (with version, address and TLS), json')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;list;node' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide (with version, address and TLS), json')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide (with version, address and TLS), json')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;list;namespaces' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide (with version, address and TLS), json')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide (with version, address and TLS), json')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;list;namespace' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide (with version, address and TLS), json')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide (with version, address and TLS), json')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;list;help' {
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'List Hubble nodes')
            [CompletionResult]::new('namespaces', 'namespaces', [CompletionResultType]::ParameterValue, 'List namespaces with recent flows')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubble;list;help;nodes' {
            break
        }
        'hubble;list;help;namespaces' {
            break
        }
        'hubble;list;help;help' {
            break
        }
        'hubble;watch' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('peers', 'peers', [CompletionResultType]::ParameterValue, 'Watch for Hubble peers updates')
            [CompletionResult]::new('peer', 'peer', [CompletionResultType]::ParameterValue, 'Watch for Hubble peers updates')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubble;watch;peers' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;watch;peer' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;watch;help' {
            [CompletionResult]::new('peers', 'peers', [CompletionResultType]::ParameterValue, 'Watch for Hubble peers updates')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubble;watch;help;peers' {
            break
        }
        'hubble;watch;help;help' {
            break
        }
        'hubble;version' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;completion' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port]. Ignored when --input-file is provided')
            [CompletionResult]::new('--tls-ca-cert-files', '--tls-ca-cert-files', [CompletionResultType]::ParameterName, 'PEM files of the Certificate Authorities that sign the server''s certificate')
            [CompletionResult]::new('--tls-client-cert-file', '--tls-client-cert-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate, for servers that require mutual TLS')
            [CompletionResult]::new('--tls-client-key-file', '--tls-client-key-file', [CompletionResultType]::ParameterName, 'PEM file of the client certificate''s private key')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Name to verify the server''s certificate against (e.g. ''*.default.hubble-grpc.cilium.io''; default: the host of --server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to a single request (status, list nodes)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to connect to the server (implied by a tls:// address)')
            [CompletionResult]::new('--tls-allow-insecure', '--tls-allow-insecure', [CompletionResultType]::ParameterName, 'Allow connecting to a server whose certificate chain and name are not verified (the connection is encrypted, but anyone could be answering)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print debug messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hubble;help' {
            [CompletionResult]::new('observe', 'observe', [CompletionResultType]::ParameterValue, 'Observe flows of a Hubble server')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the health and flow counters of a Hubble server')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List Hubble objects')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch Hubble objects')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Show the client version')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hubble;help;observe' {
            [CompletionResult]::new('flows', 'flows', [CompletionResultType]::ParameterValue, 'Observe flows (the same as `hubble observe`)')
            [CompletionResult]::new('agent-events', 'agent-events', [CompletionResultType]::ParameterValue, 'Observe Cilium agent events')
            [CompletionResult]::new('debug-events', 'debug-events', [CompletionResultType]::ParameterValue, 'Observe Cilium debug events (the datapath''s, with `cilium config Debug=true`)')
            break
        }
        'hubble;help;observe;flows' {
            break
        }
        'hubble;help;observe;agent-events' {
            break
        }
        'hubble;help;observe;debug-events' {
            break
        }
        'hubble;help;status' {
            break
        }
        'hubble;help;list' {
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'List Hubble nodes')
            [CompletionResult]::new('namespaces', 'namespaces', [CompletionResultType]::ParameterValue, 'List namespaces with recent flows')
            break
        }
        'hubble;help;list;nodes' {
            break
        }
        'hubble;help;list;namespaces' {
            break
        }
        'hubble;help;watch' {
            [CompletionResult]::new('peers', 'peers', [CompletionResultType]::ParameterValue, 'Watch for Hubble peers updates')
            break
        }
        'hubble;help;watch;peers' {
            break
        }
        'hubble;help;version' {
            break
        }
        'hubble;help;completion' {
            break
        }
        'hubble;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
