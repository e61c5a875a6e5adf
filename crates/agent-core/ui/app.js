// The flow map: VMs as boxes, connections between them as edges coloured by verdict, and the
// latest flows in a table. Data comes from the agent that serves this page (its relay when
// it runs one, else its own node): /api/nodes, then /api/flows every second for what is new.
"use strict";

const COLOURS = { FORWARDED: "#2ca02c", DROPPED: "#d62728", AUDIT: "#ff7f0e" };
const BOX = { w: 128, h: 46 };
// Bounds on what the page keeps, whatever the fleet sends.
const MAX_ROWS_KEPT = 2000;
const MAX_ROWS_SHOWN = 200;
const MAX_CONNECTIONS_PER_EDGE = 10000;
const MAX_EXTERNAL = 64;
const POLL_MS = 1000;

const state = {
  vms: new Map(),        // id -> {id, name, labels: Set, external, x, y}
  ipToVm: new Map(),     // address -> id
  edges: new Map(),      // src|dst|verdict -> {key, src, dst, verdict, ports: Map(port -> Set), total}
  rows: [],              // newest last
  since: null,
  layoutKey: "",
  filter: { node: "", verdict: "", port: "", label: "", edge: "" },
};

const shortName = (id) => id.includes("/") ? id.slice(id.indexOf("/") + 1) : id;

function hostOf(address) {
  if (!address) return "";
  if (address.startsWith("[")) return address.slice(1, address.indexOf("]"));
  const i = address.lastIndexOf(":");
  return i > 0 && address.indexOf(":") === i ? address.slice(0, i) : address;
}

function vm(id, external) {
  let v = state.vms.get(id);
  if (!v) {
    v = { id, name: external ? id : shortName(id), labels: new Set(), external: !!external };
    state.vms.set(id, v);
  }
  return v;
}

// Link-local and multicast traffic (neighbour discovery, MLD, ...) is every host talking to
// its segment, not to a VM: one box holds it all.
const LOCAL = "link-local & multicast";

function isLocal(ip) {
  const v = ip.toLowerCase();
  if (v.includes(":")) return v === "::" || v.startsWith("fe8") || v.startsWith("fe9") ||
    v.startsWith("fea") || v.startsWith("feb") || v.startsWith("ff");
  const first = Number(v.split(".")[0]);
  return (first >= 224 && first <= 239) || v === "255.255.255.255" || v.startsWith("169.254.") ||
    v === "0.0.0.0";
}

function vmOfIp(ip) {
  const id = state.ipToVm.get(ip);
  if (id) return id;
  if (isLocal(ip)) return LOCAL;
  const external = [...state.vms.values()].filter((v) => v.external).length;
  if (external >= MAX_EXTERNAL && !state.vms.has(ip)) return "other addresses";
  return ip;
}

function addLabels(v, labels) {
  for (const l of labels || []) {
    if (l.startsWith("reserved:") || v.labels.size >= 8) continue;
    v.labels.add(l.replace(/^[a-z0-9]+:/, ""));
  }
}

function l4(flow) {
  const l = flow.l4 || {};
  if (l.TCP) return { proto: "TCP", sport: l.TCP.source_port || 0, dport: l.TCP.destination_port || 0 };
  if (l.UDP) return { proto: "UDP", sport: l.UDP.source_port || 0, dport: l.UDP.destination_port || 0 };
  if (l.SCTP) return { proto: "SCTP", sport: l.SCTP.source_port || 0, dport: l.SCTP.destination_port || 0 };
  if (l.ICMPv4) return { proto: "ICMPv4", sport: 0, dport: l.ICMPv4.type || 0 };
  if (l.ICMPv6) return { proto: "ICMPv6", sport: 0, dport: l.ICMPv6.type || 0 };
  return { proto: "IP", sport: 0, dport: 0 };
}

function ingest(flow) {
  const ip = flow.IP || {};
  if (!ip.source || !ip.destination) return;
  const srcId = vmOfIp(ip.source);
  const dstId = vmOfIp(ip.destination);
  const src = vm(srcId, !state.ipToVm.has(ip.source));
  const dst = vm(dstId, !state.ipToVm.has(ip.destination));
  // A box outside the cluster gathers many addresses: their labels would mislead.
  if (!src.external) addLabels(src, flow.source && flow.source.labels);
  if (!dst.external) addLabels(dst, flow.destination && flow.destination.labels);
  const { proto, sport, dport } = l4(flow);
  const verdict = flow.verdict || "VERDICT_UNKNOWN";
  const row = { flow, src: srcId, dst: dstId, proto, sport, dport, verdict };
  state.rows.push(row);
  if (state.rows.length > MAX_ROWS_KEPT) state.rows.splice(0, state.rows.length - MAX_ROWS_KEPT);
  // An edge counts connections, by who opened them: both ends see one (egress and ingress)
  // and every packet of it is a flow, so only its opening counts (a TCP SYN; for the others,
  // what is not a reply), once per source address and port.
  if (flow.is_reply === true || srcId === dstId) return;
  const tcp = (flow.l4 || {}).TCP;
  if (tcp && !(tcp.flags && tcp.flags.SYN && !tcp.flags.ACK)) return;
  const key = `${srcId}|${dstId}|${verdict}`;
  let e = state.edges.get(key);
  if (!e) {
    e = { key, src: srcId, dst: dstId, verdict, ports: new Map(), total: 0 };
    state.edges.set(key, e);
  }
  const port = `${proto}/${dport}`;
  let conns = e.ports.get(port);
  if (!conns) {
    conns = new Set();
    e.ports.set(port, conns);
  }
  if (conns.size < MAX_CONNECTIONS_PER_EDGE) {
    const before = conns.size;
    conns.add(`${ip.source}|${sport}`);
    e.total += conns.size - before;
  }
}

// The busiest ports first.
function portsOf(e) {
  return [...e.ports.entries()].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]));
}

function edgeLabel(e) {
  const ports = portsOf(e);
  const shown = ports.slice(0, 2).map(([p, c]) => `${p} ×${c.size}`).join(", ");
  return ports.length > 2 ? `${shown} +${ports.length - 2}` : shown;
}

function layout(width, height) {
  const nodes = [...state.vms.values()];
  const key = nodes.map((n) => n.id).sort().join(",");
  if (key === state.layoutKey) return;
  state.layoutKey = key;
  const links = [];
  const seen = new Set();
  for (const e of state.edges.values()) {
    const k = `${e.src}|${e.dst}`;
    if (!seen.has(k)) { seen.add(k); links.push({ source: e.src, target: e.dst }); }
  }
  // Start on a circle (new VMs included), then let the forces untangle it; a fixed number of
  // ticks gives the same picture for the same fleet.
  nodes.forEach((n, i) => {
    if (n.x === undefined) {
      const a = (2 * Math.PI * i) / Math.max(nodes.length, 1);
      const r = 60 + 24 * nodes.length;
      n.x = width / 2 + r * Math.cos(a);
      n.y = height / 2 + r * Math.sin(a);
    }
  });
  const sim = d3.forceSimulation(nodes)
    .force("link", d3.forceLink(links).id((d) => d.id).distance(260).strength(0.2))
    .force("charge", d3.forceManyBody().strength(-900))
    .force("collide", d3.forceCollide(Math.hypot(BOX.w, BOX.h) / 2 + 40))
    .force("x", d3.forceX(width / 2).strength(0.03))
    .force("y", d3.forceY(height / 2).strength(0.05))
    .stop();
  for (let i = 0; i < 300; i++) sim.tick();
}

function fit(svg) {
  const vms = [...state.vms.values()];
  if (!vms.length) return;
  const xs = vms.map((v) => v.x), ys = vms.map((v) => v.y);
  const pad = 40;
  const x0 = Math.min(...xs) - BOX.w / 2 - pad, y0 = Math.min(...ys) - BOX.h / 2 - pad;
  const x1 = Math.max(...xs) + BOX.w / 2 + pad, y1 = Math.max(...ys) + BOX.h / 2 + pad;
  svg.attr("viewBox", `${x0} ${y0} ${x1 - x0} ${y1 - y0}`);
}

function edgePath(e, index) {
  const a = state.vms.get(e.src), b = state.vms.get(e.dst);
  const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
  const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
  // Parallel edges (ports, verdicts, directions) bend apart.
  const bend = 18 * (index + 1);
  const cx = mx - (dy / len) * bend, cy = my + (dx / len) * bend;
  return { d: `M${a.x},${a.y} Q${cx},${cy} ${b.x},${b.y}`, lx: (mx + cx) / 2, ly: (my + cy) / 2 };
}

function render() {
  const svg = d3.select("#map");
  const rect = svg.node().getBoundingClientRect();
  layout(rect.width || 1200, rect.height || 600);
  fit(svg);

  const pairIndex = new Map();
  const edges = [...state.edges.values()].map((e) => {
    const k = `${e.src}|${e.dst}`;
    const i = pairIndex.get(k) || 0;
    pairIndex.set(k, i + 1);
    return { e, i };
  });
  const eSel = d3.select("#edges").selectAll("g.edge").data(edges, (d) => d.e.key);
  const eNew = eSel.enter().append("g").on("click", (ev, d) => {
    state.filter.edge = state.filter.edge === d.e.key ? "" : d.e.key;
    renderTable();
    renderSelection();
  });
  eNew.append("path");
  eNew.append("text");
  eNew.append("title");
  eSel.exit().remove();
  eNew.merge(eSel)
    .attr("class", (d) => `edge verdict-${d.e.verdict.toLowerCase()}`)
    .attr("data-src", (d) => d.e.src)
    .attr("data-dst", (d) => d.e.dst)
    .attr("data-ports", (d) => portsOf(d.e).map(([p]) => p).join(" "))
    .attr("data-verdict", (d) => d.e.verdict)
    .attr("data-count", (d) => d.e.total)
    .each(function (d) {
      const p = edgePath(d.e, d.i);
      const g = d3.select(this);
      g.select("path").attr("d", p.d).attr("stroke", COLOURS[d.e.verdict] || "#999")
        .attr("stroke-width", Math.min(2 + Math.log2(1 + d.e.total), 7));
      g.select("text").attr("x", p.lx).attr("y", p.ly).text(edgeLabel(d.e));
      const all = portsOf(d.e).map(([port, c]) => `${port} ×${c.size}`).join("\n");
      g.select("title").text(`${d.e.src} → ${d.e.dst} ${d.e.verdict}\n${all}`);
    });

  const vSel = d3.select("#vms").selectAll("g.vm").data([...state.vms.values()], (d) => d.id);
  const vNew = vSel.enter().append("g").on("click", (ev, d) => {
    const f = document.getElementById("f-node");
    f.value = f.value === d.id ? "" : d.id;
    state.filter.node = f.value;
    renderTable();
    renderSelection();
  });
  vNew.append("rect").attr("width", BOX.w).attr("height", BOX.h);
  vNew.append("text").attr("class", "vm-name").attr("x", 8).attr("y", 17);
  vNew.append("text").attr("class", "vm-labels").attr("x", 8).attr("y", 34);
  vNew.append("title");
  vSel.exit().remove();
  vNew.merge(vSel)
    .attr("class", (d) => (d.external ? "vm external" : "vm"))
    .attr("data-name", (d) => d.id)
    .attr("transform", (d) => `translate(${d.x - BOX.w / 2},${d.y - BOX.h / 2})`)
    .each(function (d) {
      const g = d3.select(this);
      g.select(".vm-name").text(d.name);
      const labels = [...d.labels].join(" ");
      g.select(".vm-labels").text(labels.length > 26 ? labels.slice(0, 25) + "…" : labels);
      g.select("title").text(`${d.id}\n${[...d.labels].join("\n")}`);
    });

  const select = document.getElementById("f-node");
  const have = new Set([...select.options].map((o) => o.value));
  for (const v of [...state.vms.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!have.has(v.id)) select.add(new Option(v.id, v.id));
  }
  select.value = state.filter.node;
  renderSelection();
  renderTable();
  const vmsCount = [...state.vms.values()].filter((v) => !v.external).length;
  document.getElementById("status").textContent =
    `${vmsCount} VMs, ${state.edges.size} edges, ${state.rows.length} flows kept`;
}

function renderSelection() {
  d3.selectAll("g.vm").classed("selected", (d) => d.id === state.filter.node);
  d3.selectAll("g.edge").classed("selected", (d) => d.e.key === state.filter.edge);
  const e = state.edges.get(state.filter.edge);
  document.getElementById("f-edge").textContent =
    e ? `edge: ${e.src} → ${e.dst} ${e.verdict.toLowerCase()}` : "";
}

function matches(r) {
  const f = state.filter;
  if (f.node && r.src !== f.node && r.dst !== f.node) return false;
  if (f.verdict && r.verdict !== f.verdict) return false;
  if (f.port && String(r.dport) !== f.port && String(r.sport) !== f.port) return false;
  if (f.edge) {
    const e = state.edges.get(f.edge);
    if (e && !(r.src === e.src && r.dst === e.dst && r.verdict === e.verdict)) return false;
  }
  if (f.label) {
    const labels = [...((r.flow.source || {}).labels || []), ...((r.flow.destination || {}).labels || [])];
    if (!labels.some((l) => l.includes(f.label))) return false;
  }
  return true;
}

function renderTable() {
  const shown = [];
  for (let i = state.rows.length - 1; i >= 0 && shown.length < MAX_ROWS_SHOWN; i--) {
    if (matches(state.rows[i])) shown.push(state.rows[i]);
  }
  const body = document.querySelector("#flows tbody");
  const rows = shown.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.verdict = r.verdict;
    tr.dataset.src = r.src;
    tr.dataset.dst = r.dst;
    const cells = [
      (r.flow.time || "").replace("T", " ").replace(/\.\d+Z$/, "Z"),
      r.flow.node_name || "",
      `${r.src} ${(r.flow.IP || {}).source || ""}${r.sport ? ":" + r.sport : ""}`,
      `${r.dst} ${(r.flow.IP || {}).destination || ""}`,
      `${r.proto}/${r.dport}`,
      (r.flow.Type || "") + (r.flow.traffic_direction ? " " + r.flow.traffic_direction.toLowerCase() : ""),
      r.verdict,
      r.flow.Summary || "",
    ];
    cells.forEach((c, i) => {
      const td = document.createElement("td");
      td.textContent = c;
      if (i === 6) td.className = "verdict";
      if (i === 7) td.className = "summary";
      tr.appendChild(td);
    });
    return tr;
  });
  body.replaceChildren(...rows);
}

async function poll() {
  try {
    const nodes = await (await fetch("api/nodes")).json();
    for (const n of nodes.nodes || []) {
      vm(n.name, false);
      const ip = hostOf(n.address);
      if (ip) state.ipToVm.set(ip, n.name);
    }
    // Addresses seen before their node was known were drawn as outside boxes: fold them in.
    for (const [ip, id] of state.ipToVm) {
      if (state.vms.has(ip) && ip !== id) state.vms.delete(ip);
    }
    const url = state.since === null ? "api/flows?last=10000" : `api/flows?since=${state.since}`;
    const reply = await (await fetch(url)).json();
    for (const r of reply.flows || []) if (r.flow) ingest(r.flow);
    if (reply.next) state.since = reply.next;
    document.getElementById("source").textContent = reply.source || "";
    render();
    document.body.dataset.ready = "1";
  } catch (e) {
    document.getElementById("status").textContent = `error: ${e}`;
  }
  setTimeout(poll, POLL_MS);
}

function init() {
  const svg = d3.select("#map");
  svg.call(d3.zoom().scaleExtent([0.2, 8]).on("zoom", (ev) => {
    d3.select("#viewport").attr("transform", ev.transform);
  }));
  const onFilter = () => {
    state.filter.node = document.getElementById("f-node").value;
    state.filter.verdict = document.getElementById("f-verdict").value;
    state.filter.port = document.getElementById("f-port").value.trim();
    state.filter.label = document.getElementById("f-label").value.trim();
    renderSelection();
    renderTable();
  };
  // Filters can come in the address (#verdict=DROPPED&port=8080), so a view can be shared.
  const params = new URLSearchParams(location.hash.slice(1));
  for (const key of ["node", "verdict", "port", "label"]) {
    const v = params.get(key);
    if (v) {
      state.filter[key] = v;
      document.getElementById(`f-${key}`).value = v;
    }
  }
  for (const id of ["f-node", "f-verdict", "f-port", "f-label"]) {
    document.getElementById(id).addEventListener("input", onFilter);
  }
  document.getElementById("f-clear").addEventListener("click", () => {
    for (const id of ["f-node", "f-verdict", "f-port", "f-label"]) document.getElementById(id).value = "";
    state.filter.edge = "";
    onFilter();
  });
  poll();
}

init();
