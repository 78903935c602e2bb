// Tandem console page: renders the overview pushed by /_tandem/events (server-sent events) and
// calls the console's JSON routes for peek, send, purge, browse and produce. Data is only ever
// put on the page as text (never as HTML), so message bodies and record values cannot inject markup.
'use strict';

const state = { overview: { queues: [], topics: [], groups: [] }, queue: null, topic: null };
const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}
const num = (v) => el('td', { class: 'num' }, v);
const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);
const age = (s) => (s === null ? '–' : s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`);
const time = (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

async function call(method, url, body) {
  const res = await fetch(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}
function status(id, text, error) {
  const s = $(id);
  s.textContent = text;
  s.classList.toggle('error', !!error);
}

// ---- tabs --------------------------------------------------------------------------------------
for (const b of document.querySelectorAll('.tab')) {
  b.addEventListener('click', () => {
    for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t === b);
    for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== `${b.dataset.tab}-view`;
  });
}

// ---- queues ------------------------------------------------------------------------------------
const queuePath = (q) => `/_tandem/sqs/queues/${encodeURIComponent(q.region)}/${encodeURIComponent(q.account)}/${encodeURIComponent(q.name)}`;
const sameQueue = (a, b) => a && b && a.arn === b.arn;

function renderQueues() {
  const rows = state.overview.queues.map((q) =>
    el('tr', { class: `clickable${sameQueue(q, state.queue) ? ' selected' : ''}`, 'data-queue': q.name, onclick: () => selectQueue(q) },
      el('td', {}, q.name), num(q.visible), num(q.inflight), num(q.delayed), num(age(q.oldestAgeSeconds)),
      el('td', {}, q.deadLetterTarget ? `${q.deadLetterTarget} (after ${q.maxReceiveCount})` : '–'),
      el('td', {}, q.redriveSources.join(', ') || '–')));
  $('queues').tBodies[0].replaceChildren(...rows);
  $('queues-empty').hidden = rows.length > 0;
  if (state.queue) {
    const fresh = state.overview.queues.find((q) => sameQueue(q, state.queue));
    if (fresh) showQueue(fresh);
    else { state.queue = null; $('queue-detail').hidden = true; }
  }
}

function showQueue(q) {
  state.queue = q;
  $('queue-detail').hidden = false;
  $('queue-name').textContent = `${q.name} — ${q.visible} visible, ${q.inflight} in flight, ${q.delayed} delayed`;
  $('send-group').hidden = $('send-dedup').hidden = !q.fifo;
  $('redrive-form').hidden = q.redriveSources.length === 0;
  if (q.redriveSources.length) refreshRedrive(q);
  const items = [...Object.entries(q.attributes), ...Object.entries(q.tags).map(([k, v]) => [`tag: ${k}`, v]), ['QueueArn', q.arn]];
  $('queue-attributes').replaceChildren(...items.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function selectQueue(q) {
  if (!sameQueue(q, state.queue)) $('messages').tBodies[0].replaceChildren();
  status('queue-status', '');
  showQueue(q);
  renderQueues();
}

async function peek() {
  const q = state.queue;
  status('queue-status', 'peeking…');
  try {
    const msgs = await call('GET', `${queuePath(q)}/messages?max=50`);
    $('messages').tBodies[0].replaceChildren(...msgs.map((m) =>
      el('tr', { 'data-message': m.messageId }, el('td', {}, m.messageId), el('td', {}, m.state), num(m.receiveCount), el('td', {}, time(m.sentAt)),
        el('td', {}, m.groupId || ''), el('td', {}, el('pre', {}, m.body)))));
    status('queue-status', `${msgs.length} message${msgs.length === 1 ? '' : 's'} peeked (visibility unchanged)`);
  } catch (e) { status('queue-status', e.message, true); }
}

// Move tasks of a dead-letter queue: shown whenever the queue is selected or changes.
async function refreshRedrive(q) {
  try {
    const tasks = await call('GET', `${queuePath(q)}/redrive`);
    const t = tasks[0];
    status('redrive-status', t ? `${t.status}: ${t.moved} of ${t.toMove} moved${t.failureReason ? ` (${t.failureReason})` : ''}` : 'no redrive yet');
  } catch (e) { status('redrive-status', e.message, true); }
}
$('redrive-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const q = state.queue;
  try {
    await call('POST', `${queuePath(q)}/redrive`, { destination: $('redrive-destination').value || undefined, maxPerSecond: $('redrive-rate').value ? Number($('redrive-rate').value) : undefined });
    await refreshRedrive(q);
  } catch (e) { status('redrive-status', e.message, true); }
});
$('redrive-cancel').addEventListener('click', async () => {
  const q = state.queue;
  try {
    await call('POST', `${queuePath(q)}/redrive/cancel`);
    await refreshRedrive(q);
  } catch (e) { status('redrive-status', e.message, true); }
});

$('peek').addEventListener('click', peek);
$('purge').addEventListener('click', async () => {
  try {
    await call('POST', `${queuePath(state.queue)}/purge`);
    $('messages').tBodies[0].replaceChildren();
    status('queue-status', 'purged');
  } catch (e) { status('queue-status', e.message, true); }
});
$('send-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const r = await call('POST', `${queuePath(state.queue)}/messages`, { body: $('send-body').value, groupId: $('send-group').value || undefined, deduplicationId: $('send-dedup').value || undefined });
    status('queue-status', `sent ${r.messageId}`);
    $('send-body').value = '';
  } catch (e) { status('queue-status', e.message, true); }
});

// ---- topics ------------------------------------------------------------------------------------
function renderTopics() {
  const rows = state.overview.topics.map((t) =>
    el('tr', { class: `clickable${state.topic === t.name ? ' selected' : ''}`, 'data-topic': t.name, onclick: () => selectTopic(t.name) },
      el('td', {}, t.name), num(t.partitions.length), num(t.partitions.map((p) => p.logEndOffset).join(' / ')), num(bytes(t.sizeBytes)),
      el('td', {}, t.configs.filter((c) => c.override).map((c) => `${c.name}=${c.value}`).join(', ') || '–')));
  $('topics').tBodies[0].replaceChildren(...rows);
  $('topics-empty').hidden = rows.length > 0;
  if (state.topic) {
    const t = state.overview.topics.find((x) => x.name === state.topic);
    if (t) showTopic(t);
    else { state.topic = null; $('topic-detail').hidden = true; }
  }
}

function fillPartitions(select, count) {
  if (select.options.length === count) return;
  const keep = select.value;
  select.replaceChildren(...Array.from({ length: count }, (_, i) => el('option', { value: i }, i)));
  if (keep && Number(keep) < count) select.value = keep;
}

function showTopic(t) {
  $('topic-detail').hidden = false;
  $('topic-name').textContent = t.name;
  $('partitions').tBodies[0].replaceChildren(...t.partitions.map((p) =>
    el('tr', {}, num(p.partition), num(p.logStartOffset), num(p.logEndOffset), num(bytes(p.sizeBytes)), num(p.batches))));
  fillPartitions($('browse-partition'), t.partitions.length);
  fillPartitions($('produce-partition'), t.partitions.length);
  $('topic-configs').replaceChildren(...t.configs.flatMap((c) => [el('dt', { class: c.override ? 'override' : '' }, c.name), el('dd', {}, c.value ?? '')]));
}

function selectTopic(name) {
  if (state.topic !== name) {
    $('records').tBodies[0].replaceChildren();
    $('browse-partition').replaceChildren();
    $('produce-partition').replaceChildren();
  }
  state.topic = name;
  status('topic-status', '');
  renderTopics();
}

const shown = (v) => el('td', {}, el('span', { class: 'fmt' }, v.format), v.text === null ? null : el('pre', {}, v.text));

$('browse-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const from = $('browse-from').value.trim();
  status('topic-status', 'browsing…');
  const params = new URLSearchParams({ partition: $('browse-partition').value || '0', limit: $('browse-limit').value || '50' });
  if (from) {
    if ($('browse-mode').value === 'offset') params.set('offset', from);
    else params.set('timestamp', /^\d+$/.test(from) ? from : String(Date.parse(from)));
  }
  try {
    const r = await call('GET', `/_tandem/kafka/topics/${encodeURIComponent(state.topic)}/records?${params}`);
    $('records').tBodies[0].replaceChildren(...r.records.map((rec) =>
      el('tr', { 'data-offset': rec.offset }, num(rec.offset), el('td', {}, `${time(rec.timestamp)} (${rec.timestampType})`), el('td', {}, rec.compression),
        shown(rec.key), shown(rec.value), el('td', {}, rec.headers.map((h) => `${h.key}=${h.value.text ?? 'null'}`).join(', ')))));
    status('topic-status', `${r.records.length} record(s) of partition ${params.get('partition')} from offset ${r.start} (log end ${r.logEndOffset})`);
  } catch (e) { status('topic-status', e.message, true); }
});

$('produce-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const headers = $('produce-headers').value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const i = s.indexOf('=');
    return i < 0 ? { key: s, value: '' } : { key: s.slice(0, i), value: s.slice(i + 1) };
  });
  try {
    const r = await call('POST', `/_tandem/kafka/topics/${encodeURIComponent(state.topic)}/records`, {
      key: $('produce-key').value || undefined, value: $('produce-value').value, partition: Number($('produce-partition').value || 0), headers,
    });
    status('topic-status', `produced at partition ${r.partition}, offset ${r.offset}`);
    $('produce-value').value = '';
  } catch (e) { status('topic-status', e.message, true); }
});

// ---- groups ------------------------------------------------------------------------------------
function renderGroups() {
  const cards = state.overview.groups.map((g) =>
    el('div', { class: 'group', 'data-group': g.group },
      el('h2', {}, `${g.group} — ${g.state}, ${g.members.length} member(s), total lag ${g.totalLag}`),
      el('table', { class: 'lag' },
        el('thead', {}, el('tr', {}, ...['Topic', 'Partition', 'Committed', 'Log end', 'Lag', 'Consumer', 'Host', 'Client id'].map((h) => el('th', {}, h)))),
        el('tbody', {}, ...g.lag.map((r) => el('tr', {}, el('td', {}, r.topic), num(r.partition), num(r.currentOffset ?? '–'), num(r.logEndOffset ?? '–'),
          num(r.lag ?? '–'), el('td', {}, r.consumerId ?? '–'), el('td', {}, r.host ?? '–'), el('td', {}, r.clientId ?? '–'))))),
      g.members.length ? el('p', {}, 'Assignments: ', g.members.map((m) => `${m.clientId} (${m.memberId.slice(0, 24)}…): ${m.assignment.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ') || 'none'}`).join('; ')) : null));
  $('groups').replaceChildren(...cards);
  $('groups-empty').hidden = cards.length > 0;
}

// ---- live updates ------------------------------------------------------------------------------
// Tandem's clock (a manual one only moves when a test advances it) and the fault rules, if any.
function renderControl() {
  const o = state.overview;
  $('clock').textContent = o.now ? `${new Date(o.now).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')}${o.manualClock ? ' · manual clock' : ''}` : '';
  $('clock').classList.toggle('manual', !!o.manualClock);
  const rules = o.faults ?? [];
  $('faults').hidden = rules.length === 0;
  $('fault-list').replaceChildren(...rules.map((r) => {
    const match = r.engine === 'sqs' ? [r.action, r.queue && `queue=${r.queue}`] : [r.api, r.topic && `topic=${r.topic}`, r.partition !== undefined && `partition=${r.partition}`, r.clientId && `client=${r.clientId}`];
    const effect = [r.latencyMs ? `+${r.latencyMs} ms` : '', r.error ?? (r.disconnect ? 'disconnect' : r.dropResponse ? 'drop response' : '')].filter(Boolean).join(' ');
    const left = r.remaining === null ? '' : `, ${r.remaining} left`;
    return el('li', { class: r.active ? 'fault' : 'fault done' }, `${r.id}: ${r.engine} ${match.filter((x) => x !== undefined && x !== false && x !== '').join(' ') || '*'} → ${effect} (${r.hits} hit${r.hits === 1 ? '' : 's'}${left}${r.active ? '' : ', inactive'})`);
  }));
}

function render() {
  renderControl();
  renderQueues();
  renderTopics();
  renderGroups();
}
const events = new EventSource('/_tandem/events');
events.addEventListener('overview', (ev) => {
  state.overview = JSON.parse(ev.data);
  $('live').textContent = 'live';
  $('live').classList.remove('off');
  render();
});
events.addEventListener('error', () => {
  $('live').textContent = 'reconnecting';
  $('live').classList.add('off');
});
