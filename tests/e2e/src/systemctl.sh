#!/bin/sh
# A stand-in for systemctl inside a test VM, which has no systemd: just enough of its
# interface for Ansible's systemd module (show, is-enabled, enable, start, stop, restart,
# daemon-reload), running the unit's ExecStartPre and ExecStart the way systemd would.
# State lives in $STATE (set when the test installs this file); every call is logged there.
set -u
STATE=@STATE@
UNIT_DIR=/etc/systemd/system
mkdir -p "$STATE"
echo "$*" >> "$STATE/calls"

verb=""; unit=""
for a in "$@"; do
    case "$a" in
        -*) ;;
        *) if [ -z "$verb" ]; then verb=$a; elif [ -z "$unit" ]; then unit=${a%.service}; fi ;;
    esac
done
file="$UNIT_DIR/$unit.service"

running() { [ -f "$STATE/$unit.pid" ] && kill -0 "$(cat "$STATE/$unit.pid")" 2>/dev/null; }

start() {
    running && return 0
    pre=$(sed -n 's/^ExecStartPre=//p' "$file")
    if [ -n "$pre" ] && ! sh -c "$pre" >> "$STATE/$unit.log" 2>&1; then
        echo "ExecStartPre failed" >&2; return 1
    fi
    cmd=$(sed -n 's/^ExecStart=//p' "$file")
    setsid sh -c "exec $cmd" < /dev/null >> "$STATE/$unit.log" 2>&1 &
    echo $! > "$STATE/$unit.pid"
    echo "$unit" >> "$STATE/starts"
}

stop() {
    running || return 0
    pid=$(cat "$STATE/$unit.pid")
    kill -TERM "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$pid" 2>/dev/null
    rm -f "$STATE/$unit.pid"
}

case "$verb" in
    daemon-reload|daemon-reexec) exit 0 ;;
    show)
        if [ -f "$file" ]; then echo "LoadState=loaded"; else echo "LoadState=not-found"; fi
        if running; then echo "ActiveState=active"; echo "SubState=running"
        else echo "ActiveState=inactive"; echo "SubState=dead"; fi
        echo "Id=$unit.service" ;;
    is-enabled)
        if [ -f "$STATE/$unit.enabled" ]; then echo enabled; exit 0; else echo disabled; exit 1; fi ;;
    is-active)
        if running; then echo active; exit 0; else echo inactive; exit 3; fi ;;
    enable) [ -f "$file" ] || exit 1; touch "$STATE/$unit.enabled" ;;
    disable) rm -f "$STATE/$unit.enabled" ;;
    start) start || exit 1 ;;
    stop) stop ;;
    restart) stop; start || exit 1; echo "$unit" >> "$STATE/restarts" ;;
    *) echo "systemctl stand-in: $verb is not supported" >&2; exit 1 ;;
esac
