// The operating picture: a map of operations, zones and tracks, and the alerts, conflicts and
// hotline panels, all from the /v1 API with the party's bearer token. No build step, no
// framework, no network beyond this service: Leaflet and the land basemap are vendored.

const TOKEN_KEY = "deconflict.token";
const TRACKS_EVERY_MS = 2000;
const POLL_EVERY_MS = 5000;
const BACKOFF_MAX_MS = 30000;
const THEATRE = { center: [34.5, 32.5], zoom: 6 }; // the eastern Mediterranean
const LIVE_STATES = new Set(["proposed", "accepted", "activated"]);

const $ = (id) => document.getElementById(id);

class AuthError extends Error {}
class NetworkError extends Error {}

const state = {
  token: null,
  me: null,
  map: null,
  declarations: null, // L.LayerGroup
  tracks: new Map(), // "party/platform" -> {marker, label}
  fitted: false,
  declarationsLoaded: false,
  lastTracks: [],
  parties: [], // party ids in order, for an observer's colours
  timers: new Set(),
  ws: null,
  wsOpen: false,
  backoffMs: 1000,
  lastSeq: null,
  pending: new Set(), // panels to refresh after live events
  generation: 0, // bumped on sign-out: stale loops stop
  unreachable: false, // the error shown is "cannot reach the service": cleared when it answers
};

// ---------------------------------------------------------------- API

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, {
      ...options,
      headers: { Authorization: `Bearer ${state.token}`, Accept: "application/json", ...options.headers },
    });
  } catch (error) {
    throw new NetworkError(`Cannot reach the service (${error.message}); retrying.`);
  }
  if (state.unreachable) {
    state.unreachable = false;
    showError("");
  }
  if (response.status === 401) {
    throw new AuthError(await errorText(response, "the token was refused"));
  }
  if (!response.ok) {
    throw new Error(`${options.method || "GET"} ${path}: ${response.status} ${await errorText(response, "")}`);
  }
  return response.json();
}

async function errorText(response, fallback) {
  try {
    const body = await response.json();
    return body.message || body.error || fallback;
  } catch {
    return fallback;
  }
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

function failed(error) {
  if (error instanceof AuthError) {
    signOut(`Not signed in (401): ${error.message}. Check the token and try again.`);
  } else {
    state.unreachable = error instanceof NetworkError;
    showError(String(error.message || error));
  }
}

// ---------------------------------------------------------------- formatting

function utc(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(0, 16).replace("T", " ")}Z`;
}

function clock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(11, 19)}Z`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Ids are UUIDs or imported names (navarea-iii-123-26): keep names, shorten UUIDs.
const shortId = (id) => (/^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(id) ? id.slice(0, 8) : id);

const isOwn = (party) => state.me && party === state.me.id;

// A party sees itself in blue and every other party in orange; an observer or admin has no
// side, so each party gets a colour of its own (parties in id order: blue, orange, green ...).
const OWN = "#0b5cad";
const OTHER = "#b93d05";
const PALETTE = ["#0b5cad", "#b93d05", "#2e7d32", "#7b3fa0", "#8a6d00", "#00707a"];
function partyColour(party) {
  if (state.me && state.me.role === "party") return isOwn(party) ? OWN : OTHER;
  const index = state.parties.indexOf(party);
  if (index >= 0) return PALETTE[index % PALETTE.length];
  let hash = 0;
  for (const c of String(party)) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}
const canWrite = () => state.me && state.me.role === "party";

// ---------------------------------------------------------------- map

async function initMap() {
  if (state.map) return;
  const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 14 });
  map.setView(THEATRE.center, THEATRE.zoom);
  map.attributionControl.setPrefix(
    '<a href="https://leafletjs.com" title="BSD-2-Clause">Leaflet</a>');
  map.createPane("basemap").style.zIndex = 250; // under the overlay pane (400)
  map.createPane("labels").style.zIndex = 550; // under the track symbols (marker pane, 600)
  state.map = map;
  state.declarations = L.layerGroup().addTo(map);
  try {
    const response = await fetch("/static/vendor/world-atlas/land-50m.json");
    const topology = await response.json();
    L.geoJSON(topojson.feature(topology, topology.objects.land), {
      pane: "basemap",
      interactive: false,
      style: { className: "land", color: "#9c9484", weight: 1, fillColor: "#efeadf", fillOpacity: 1 },
      attribution: "Land: Natural Earth (public domain)",
    }).addTo(map);
  } catch (error) {
    showError(`The offline basemap did not load: ${error.message}`);
  }
}

// Circles, corridors and racetracks arrive as a centre point or line with a size (the volume
// format); draw them as the service understands them: a circle, or the line buffered.
const M_PER_DEG = 111320;

function bufferLine(coords, radius) {
  const lat0 = coords[0][1];
  const kx = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  const pts = coords.map(([lon, lat]) => [(lon - coords[0][0]) * kx, (lat - lat0) * M_PER_DEG]);
  const back = ([x, y]) => [lat0 + y / M_PER_DEG, coords[0][0] + x / kx];
  const normalOf = (a, b) => {
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len = Math.hypot(dx, dy) || 1;
    return [-dy / len, dx / len];
  };
  const last = pts.length - 1;
  const normals = pts.map((p, i) => {
    if (i === 0) return normalOf(pts[0], pts[1]);
    if (i === last) return normalOf(pts[last - 1], pts[last]);
    const a = normalOf(pts[i - 1], p);
    const b = normalOf(p, pts[i + 1]);
    const sum = [a[0] + b[0], a[1] + b[1]];
    const len = Math.hypot(...sum) || 1;
    const miter = Math.min(1 / Math.max((sum[0] * a[0] + sum[1] * a[1]) / len, 1 / 3), 3);
    return [(sum[0] / len) * miter, (sum[1] / len) * miter];
  });
  const offset = (p, n, sign) => [p[0] + sign * n[0] * radius, p[1] + sign * n[1] * radius];
  const cap = (p, n, from) => {
    const out = [];
    for (let k = 0; k <= 16; k += 1) {
      const angle = Math.atan2(n[1], n[0]) - from - (k * Math.PI) / 16;
      out.push([p[0] + radius * Math.cos(angle), p[1] + radius * Math.sin(angle)]);
    }
    return out;
  };
  const ring = [
    ...pts.map((p, i) => offset(p, normals[i], 1)),
    ...cap(pts[last], normalOf(pts[last - 1], pts[last]), 0),
    ...pts.map((p, i) => offset(p, normals[i], -1)).reverse(),
    ...cap(pts[0], normalOf(pts[0], pts[1]), Math.PI),
  ];
  return ring.map(back);
}

function volumeLayers(feature, style) {
  const geometry = feature.geometry || {};
  const props = feature.properties || {};
  if (geometry.type === "Point" && props.radius_m > 0) {
    const [lon, lat] = geometry.coordinates;
    return [L.circle([lat, lon], { ...style, radius: props.radius_m })];
  }
  if (geometry.type === "LineString" && geometry.coordinates.length >= 2) {
    const coords = geometry.coordinates;
    const line = L.polyline(coords.map(([lon, lat]) => [lat, lon]), {
      ...style, className: "decl-axis", weight: 1, dashArray: "2 4", interactive: false,
    });
    const radius = props.half_width_m > 0 ? props.half_width_m : props.width_m > 0 ? props.width_m / 2 : 0;
    return radius ? [L.polygon(bufferLine(coords, radius), style), line] : [line];
  }
  return [L.geoJSON(feature, { style })];
}

function altitudes(props) {
  if (props.alt_lower === undefined) return "";
  if (props.alt_ref === "FL") return `FL${props.alt_lower}–FL${props.alt_upper}`;
  return `${props.alt_lower}–${props.alt_upper} ${props.alt_units || "m"} ${props.alt_ref || ""}`.trim();
}

function declarationLayer(item) {
  const own = isOwn(item.party);
  const zone = item.kind === "zone";
  const colour = partyColour(item.party);
  const style = {
    className: `decl decl-${zone ? "zone" : "operation"} ${own ? "decl-own" : "decl-other"}`,
    color: colour,
    weight: 2,
    fillColor: colour,
    fillOpacity: zone ? 0.08 : 0.18,
    dashArray: zone ? "8 6" : null,
  };
  const layer = L.featureGroup(item.volumes.features.flatMap((feature) => volumeLayers(feature, style)));
  const first = item.volumes.features[0].properties || {};
  const lines = [
    `${item.party} · ${item.domain}${item.category ? ` · ${item.category}` : ""} · ${item.state} · v${item.version}`,
    `${utc(item.time_start)} → ${utc(item.time_end)}${altitudes(first) ? ` · ${altitudes(first)}` : ""}`,
    item.volumes.features.length > 1 ? `${item.volumes.features.length} volumes` : null,
    item.details ? item.details.slice(0, 160) : null,
  ].filter(Boolean);
  const title = el("strong", {}, `${zone ? "Zone" : "Operation"} ${shortId(item.id)}`);
  layer.bindTooltip(el("div", { class: "decl-tip" }, title, ...lines.map((line) => el("div", {}, line))), {
    sticky: true,
  });
  return layer;
}

async function refreshDeclarations() {
  const [operations, zones] = await Promise.all([api("/v1/operations"), api("/v1/zones")]);
  state.declarations.clearLayers();
  for (const item of [...zones, ...operations]) {
    if (LIVE_STATES.has(item.state) && item.volumes && item.volumes.features?.length) {
      state.declarations.addLayer(declarationLayer(item));
    }
  }
  state.declarationsLoaded = true;
  if (!state.fitted && state.declarations.getLayers().length) {
    const bounds = L.featureGroup(state.declarations.getLayers()).getBounds();
    for (const track of state.lastTracks) bounds.extend([track.lat, track.lon]);
    fitOnce(bounds);
  }
}

function trackIcon(track) {
  return L.divIcon({
    className: `track-marker ${isOwn(track.party) ? "track-own" : "track-other"}`,
    iconSize: [22, 22],
    iconAnchor: [11, 11],
    html:
      `<svg class="track-glyph" viewBox="0 0 22 22" aria-hidden="true" style="transform: rotate(${Number(track.trk_deg) || 0}deg)">` +
      `<path fill="${partyColour(track.party)}" d="M11 1 L18 20 L11 15 L4 20 Z"/></svg>`,
  });
}

// Labels live in their own pane under the symbols, so a label never hides another platform,
// and trail their platform (left of an eastbound one), so two that meet head-on stay apart.
const trailsLeft = (track) => { const t = ((Number(track.trk_deg) % 360) + 360) % 360; return t > 0 && t < 180; };

function labelIcon(track) {
  return L.divIcon({
    className: `track-label-icon ${isOwn(track.party) ? "track-own" : "track-other"}${trailsLeft(track) ? " label-left" : ""}`,
    iconSize: [0, 0],
    iconAnchor: [0, 0],
    html: `<span class="track-label" style="color: ${partyColour(track.party)}">${escapeHtml(`${track.party}/${track.platform}`)}</span>`,
  });
}

function trackTooltip(track) {
  const feet = Math.round((track.alt_m * 3.28084) / 100) * 100;
  return `${escapeHtml(track.party)}/${escapeHtml(track.platform)} · ${escapeHtml(track.class)}<br>` +
    `${feet} ft · ${Math.round(track.gs_kt)} kt · ${Math.round(track.trk_deg)}° · ${clock(track.t)}`;
}

async function refreshTracks() {
  const tracks = await api("/v1/tracks");
  const seen = new Set();
  for (const track of tracks) {
    const key = `${track.party}/${track.platform}`;
    const at = [track.lat, track.lon];
    seen.add(key);
    let shown = state.tracks.get(key);
    if (!shown) {
      const marker = L.marker(at, { icon: trackIcon(track), keyboard: false, title: key });
      marker.bindTooltip("", { direction: "top", offset: [0, -10] });
      const label = L.marker(at, { icon: labelIcon(track), pane: "labels", interactive: false, keyboard: false });
      shown = { marker: marker.addTo(state.map), label: label.addTo(state.map) };
      state.tracks.set(key, shown);
    } else {
      shown.marker.setLatLng(at);
      shown.label.setLatLng(at);
      const glyph = shown.marker.getElement()?.querySelector(".track-glyph");
      if (glyph) glyph.style.transform = `rotate(${Number(track.trk_deg) || 0}deg)`;
      shown.label.getElement()?.classList.toggle("label-left", trailsLeft(track));
    }
    shown.marker.setTooltipContent(trackTooltip(track));
  }
  for (const [key, shown] of state.tracks) {
    if (!seen.has(key)) {
      shown.marker.remove();
      shown.label.remove();
      state.tracks.delete(key);
    }
  }
  state.lastTracks = tracks;
  if (!state.fitted && state.declarationsLoaded && tracks.length) {
    fitOnce(L.latLngBounds(tracks.map((t) => [t.lat, t.lon])));
  }
}

// Once per sign-in: frame what there is to see (declarations first, with the tracks).
function fitOnce(bounds) {
  if (state.fitted || !bounds.isValid()) return;
  state.map.fitBounds(bounds.pad(0.5), { maxZoom: 9, animate: false });
  state.fitted = true;
}

// ---------------------------------------------------------------- panels

function fill(listId, countId, items, render, empty) {
  const list = $(listId);
  list.replaceChildren(...(items.length ? items.map(render) : [el("li", { class: "empty" }, empty)]));
  $(countId).textContent = items.length ? `(${items.length})` : "";
}

function actionButton(text, label, action) {
  const button = el("button", { type: "button", "aria-label": label }, text);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await action();
      showError("");
    } catch (error) {
      button.disabled = false;
      failed(error);
    }
  });
  return button;
}

async function refreshAlerts() {
  const alerts = await api("/v1/alerts?open=true");
  fill("alerts", "alerts-count", alerts, (alert) => {
    const acked = alert.acknowledged_by.includes(state.me.id);
    const concerns = alert.parties.includes(state.me.id);
    return el(
      "li",
      { class: `item alert sev-${alert.severity}`, "data-id": alert.id },
      el("div", { class: "line" },
        el("span", { class: `badge sev-${alert.severity}` }, alert.severity),
        el("span", { class: "kind" }, alert.kind.replace("_", " ")),
        el("span", { class: "state" }, alert.state),
        el("time", { datetime: alert.raised_at }, clock(alert.raised_at))),
      el("p", { class: "summary" }, alert.summary),
      el("div", { class: "line meta" },
        el("span", {}, `parties: ${alert.parties.join(", ")}`),
        alert.acknowledged_by.length ? el("span", {}, `acknowledged by ${alert.acknowledged_by.join(", ")}`) : null,
        canWrite() && concerns && !acked
          ? actionButton("Acknowledge", `Acknowledge alert: ${alert.summary}`, async () => {
              await api(`/v1/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { method: "POST" });
              await refreshAlerts();
            })
          : null),
    );
  }, "No open alerts.");
}

async function refreshConflicts() {
  const conflicts = await api("/v1/conflicts?limit=500");
  const order = { open: 0, acknowledged: 1, resolved: 2, waived: 3 };
  conflicts.sort((x, y) => (order[x.state] ?? 9) - (order[y.state] ?? 9) || y.found_at.localeCompare(x.found_at));
  fill("conflicts", "conflicts-count", conflicts.slice(0, 100), (c) => {
    const apart = c.overlap_area_m2 > 0
      ? `overlap ${(c.overlap_area_m2 / 1e6).toFixed(c.overlap_area_m2 < 1e7 ? 1 : 0)} km²`
      : `${(c.distance_m / 1000).toFixed(1)} km apart`;
    const between = el("span", { title: `${c.a.party}/${c.a.operation} ↔ ${c.b.party}/${c.b.operation}` },
      `${c.a.party}/${shortId(c.a.operation)} ↔ ${c.b.party}/${shortId(c.b.operation)}`);
    return el(
      "li",
      { class: `item conflict state-${c.state}`, "data-id": c.id },
      el("div", { class: "line" }, el("span", { class: `badge state-${c.state}` }, c.state), between),
      el("div", { class: "line meta" },
        el("span", {}, `${utc(c.time_start)} → ${utc(c.time_end)}`),
        el("span", {}, `${apart}, vertical gap ${Math.round(c.vertical_gap_m)} m`),
        c.acknowledged_by.length ? el("span", {}, `acknowledged by ${c.acknowledged_by.join(", ")}`) : null),
    );
  }, "No conflicts.");
}

async function refreshMessages() {
  const messages = await api("/v1/messages?limit=100");
  fill("messages", "messages-count", messages, (m) => {
    const receipt = (m.receipts || []).find((r) => r.party === state.me.id);
    const acked = !receipt || receipt.state === "acknowledged";
    return el(
      "li",
      { class: `item message prec-${m.precedence}`, "data-id": m.id },
      el("div", { class: "line" },
        el("span", { class: `badge prec-${m.precedence}` }, m.precedence),
        el("span", {}, `from ${m.sender}${m.officer ? ` (${m.officer})` : ""}`),
        el("time", { datetime: m.sent_at }, clock(m.sent_at))),
      el("p", { class: "summary" }, m.text),
      el("div", { class: "line meta" },
        el("span", {}, receipt ? `your receipt: ${receipt.state}` : ""),
        !acked ? el("span", {}, `ack due ${clock(m.ack_due_at)}`) : null,
        canWrite() && !acked
          ? actionButton("Ack", `Acknowledge message: ${m.text.slice(0, 80)}`, async () => {
              await api(`/v1/messages/${encodeURIComponent(m.id)}/ack`, { method: "POST" });
              await refreshMessages();
            })
          : null),
    );
  }, "Inbox empty.");
}

const REFRESH = {
  declarations: refreshDeclarations,
  conflicts: refreshConflicts,
  alerts: refreshAlerts,
  messages: refreshMessages,
};

async function refresh(names) {
  const results = await Promise.allSettled([...names].map((name) => REFRESH[name]()));
  const failure = results.find((r) => r.status === "rejected");
  if (failure) failed(failure.reason);
}

// ---------------------------------------------------------------- timers and live events

// A timer that sign-out can cancel; forgotten once it has fired.
function later(ms, fn) {
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    fn();
  }, ms);
  state.timers.add(timer);
}

function every(ms, task) {
  const generation = state.generation;
  const run = async () => {
    if (generation !== state.generation) return;
    try {
      await task();
    } catch (error) {
      failed(error);
    }
    if (generation === state.generation) later(ms, run);
  };
  run();
}

function setLive(text, ok) {
  const live = $("live");
  live.textContent = text;
  live.className = `live ${ok ? "live-ok" : "live-down"}`;
  live.hidden = false;
}

function schedule(names) {
  const empty = state.pending.size === 0;
  for (const name of names) state.pending.add(name);
  if (empty) {
    later(250, () => {
      const due = new Set(state.pending);
      state.pending.clear();
      refresh(due);
    });
  }
}

function panelsFor(type) {
  if (type.startsWith("alert.")) return ["alerts"];
  if (type.startsWith("conflict.")) return ["conflicts"];
  if (type.startsWith("message.")) return ["messages"];
  if (type.startsWith("operation.") || type.startsWith("zone.")) return ["declarations", "conflicts"];
  return [];
}

// The live channel starts after the ledger's last entry, instead of replaying it all.
async function ledgerHead() {
  return (await api("/v1/ledger/head")).seq;
}

async function connect() {
  const generation = state.generation;
  if (!state.wsOpen) setLive("Connecting to the live channel…", false);
  if (state.lastSeq === null) {
    try {
      state.lastSeq = await ledgerHead();
    } catch (error) {
      failed(error);
      if (generation === state.generation) reconnectLater(generation);
      return;
    }
  }
  if (generation !== state.generation) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}/v1/ws?token=${encodeURIComponent(state.token)}&after=${state.lastSeq}`;
  const ws = new WebSocket(url);
  state.ws = ws;
  ws.onopen = () => {
    state.wsOpen = true;
    state.backoffMs = 1000;
    setLive("Live", true);
    schedule(Object.keys(REFRESH)); // catch up on anything missed while down
  };
  ws.onmessage = (message) => {
    try {
      const event = JSON.parse(message.data);
      if (typeof event.seq === "number") state.lastSeq = Math.max(state.lastSeq, event.seq);
      const names = panelsFor(String(event.type || ""));
      if (names.length) schedule(names);
    } catch {
      // not an event: ignore
    }
  };
  ws.onclose = (close) => {
    state.wsOpen = false;
    if (generation !== state.generation) return;
    if (close.code === 4401) {
      signOut("Not signed in (401): the live channel refused the token.");
      return;
    }
    reconnectLater(generation);
  };
}

function reconnectLater(generation) {
  const wait = state.backoffMs;
  state.backoffMs = Math.min(state.backoffMs * 2, BACKOFF_MAX_MS);
  setLive(`Live channel down: reconnecting in ${Math.round(wait / 1000)} s, polling every 5 s`, false);
  later(wait, () => {
    if (generation === state.generation) connect();
  });
}

// ---------------------------------------------------------------- sign in / out

async function signIn(token) {
  state.token = token;
  showError("");
  let me;
  try {
    me = await api("/v1/me");
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    showError(error instanceof AuthError
      ? `Not signed in (401): ${error.message}. Check the token and try again.`
      : error instanceof NetworkError
        ? "Cannot reach the service: check it is running and try again."
        : `Could not sign in: ${error.message}`);
    $("token").focus();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  state.me = me;
  state.generation += 1;
  if (me.role !== "party") {
    try {
      const parties = await api("/v1/parties");
      state.parties = parties.filter((p) => p.role === "party").map((p) => p.id).sort();
    } catch {
      state.parties = []; // colours by hash instead
    }
  }
  $("identity").textContent = `${me.name || me.id} · ${me.role}${me.contact ? ` · ${me.contact}` : ""}`;
  $("identity").dataset.party = me.id;
  $("identity").hidden = false;
  $("signout").hidden = false;
  $("login").hidden = true;
  $("picture").hidden = false;
  await initMap();
  state.map.invalidateSize();
  every(TRACKS_EVERY_MS, refreshTracks);
  every(POLL_EVERY_MS, async () => {
    if (!state.wsOpen) await refresh(Object.keys(REFRESH));
  });
  connect();
}

function signOut(message) {
  state.generation += 1;
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
  state.pending.clear();
  if (state.ws) {
    state.ws.onclose = null;
    state.ws.close();
    state.ws = null;
  }
  state.wsOpen = false;
  state.lastSeq = null;
  state.token = null;
  state.me = null;
  state.fitted = false;
  state.declarationsLoaded = false;
  state.lastTracks = [];
  for (const shown of state.tracks.values()) {
    shown.marker.remove();
    shown.label.remove();
  }
  state.tracks.clear();
  if (state.declarations) state.declarations.clearLayers();
  sessionStorage.removeItem(TOKEN_KEY);
  for (const id of ["identity", "live", "signout", "picture"]) $(id).hidden = true;
  $("login").hidden = false;
  $("token").value = "";
  showError(message || "");
  $("token").focus();
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  if (token) signIn(token);
});
$("signout").addEventListener("click", () => signOut(""));

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved);
else $("token").focus();
