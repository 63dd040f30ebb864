/** The playground page: plain HTML and vanilla JS, no build step. Every API call carries the bearer token when auth is on. */
export function playgroundHtml(settings: { apiPrefix: string; authEnabled: boolean }): string {
  const config = JSON.stringify({ api: settings.apiPrefix, auth: settings.authEnabled }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mastra-ts playground</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #f6f6f8; }
  body { margin: 0; }
  header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #1d1d1f; color: #fff; }
  header h1 { font-size: 1rem; margin: 0; }
  header input { margin-left: auto; }
  nav button { background: none; border: 0; color: #ccc; cursor: pointer; font-size: .9rem; }
  nav button[aria-selected="true"] { color: #fff; text-decoration: underline; }
  main { max-width: 60rem; margin: 1rem auto; padding: 0 1rem; }
  section[hidden] { display: none; }
  .row { display: flex; gap: .5rem; margin: .5rem 0; }
  .row > input, .row > textarea { flex: 1; }
  #chat-log { background: #fff; border: 1px solid #ddd; border-radius: 6px; min-height: 16rem; max-height: 60vh; overflow: auto; padding: .5rem; }
  .msg { margin: .4rem 0; padding: .4rem .6rem; border-radius: 6px; white-space: pre-wrap; }
  .msg.user { background: #e8f0fe; }
  .msg.assistant { background: #f1f1f1; }
  .msg.error { background: #fde8e8; color: #900; }
  .tool { font-family: ui-monospace, monospace; font-size: .8rem; background: #fff8e1; border-left: 3px solid #f0b400; padding: .3rem .5rem; margin: .3rem 0; white-space: pre-wrap; }
  textarea { font-family: ui-monospace, monospace; min-height: 5rem; }
  #workflow-steps li, #trace-list li { font-family: ui-monospace, monospace; font-size: .85rem; margin: .2rem 0; }
  .status-success { color: #0a7a28; } .status-failed { color: #b00020; } .status-suspended { color: #a86b00; } .status-running { color: #0b57d0; }
  pre { background: #fff; border: 1px solid #ddd; padding: .5rem; overflow: auto; max-height: 20rem; }
</style>
</head>
<body>
<header>
  <h1>mastra-ts playground</h1>
  <nav role="tablist">
    <button role="tab" data-tab="agents" aria-selected="true">Agents</button>
    <button role="tab" data-tab="workflows" aria-selected="false">Workflows</button>
    <button role="tab" data-tab="traces" aria-selected="false">Traces</button>
  </nav>
  <input id="token" type="password" placeholder="API token" autocomplete="off" hidden>
</header>
<main>
  <section id="tab-agents">
    <div class="row"><label for="agent-select">Agent</label><select id="agent-select"></select><span id="agent-model"></span></div>
    <div id="chat-log" aria-live="polite"></div>
    <form id="chat-form" class="row">
      <input id="chat-input" placeholder="Send a message" autocomplete="off">
      <button id="chat-send" type="submit">Send</button>
    </form>
  </section>
  <section id="tab-workflows" hidden>
    <div class="row"><label for="workflow-select">Workflow</label><select id="workflow-select"></select></div>
    <label for="workflow-input">Input data (JSON)</label>
    <div class="row"><textarea id="workflow-input">{}</textarea></div>
    <div class="row"><button id="workflow-run">Run</button><span id="workflow-status"></span></div>
    <ol id="workflow-steps"></ol>
    <div id="workflow-resume" hidden>
      <label for="resume-input">Resume data (JSON)</label>
      <div class="row"><textarea id="resume-input">{}</textarea></div>
      <button id="workflow-resume-button">Resume</button>
    </div>
    <pre id="workflow-result" hidden></pre>
  </section>
  <section id="tab-traces" hidden>
    <div class="row"><button id="traces-refresh">Refresh</button></div>
    <ul id="trace-list"></ul>
    <pre id="trace-detail" hidden></pre>
  </section>
</main>
<script>
(() => {
  const CONFIG = ${config};
  const $ = (id) => document.getElementById(id);
  const tokenInput = $('token');
  if (CONFIG.auth) {
    tokenInput.hidden = false;
    tokenInput.value = sessionStorage.getItem('mastra-ts-token') || '';
    tokenInput.addEventListener('change', () => { sessionStorage.setItem('mastra-ts-token', tokenInput.value); init(); });
  }
  const headers = (json) => {
    const result = json ? { 'content-type': 'application/json' } : {};
    if (CONFIG.auth && tokenInput.value) result.authorization = 'Bearer ' + tokenInput.value;
    return result;
  };
  async function api(path, options = {}) {
    const response = await fetch(CONFIG.api + path, { ...options, headers: headers(options.body !== undefined) });
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try { message = (await response.json()).error || message; } catch {}
      throw new Error(message);
    }
    return response;
  }
  async function* frames(response, separator) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (value) buffer += decoder.decode(value, { stream: true });
      let index;
      while ((index = buffer.indexOf(separator)) !== -1) {
        const frame = buffer.slice(0, index);
        buffer = buffer.slice(index + separator.length);
        if (frame) yield frame;
      }
      if (done) { if (buffer.trim()) yield buffer; return; }
    }
  }

  document.querySelectorAll('nav button').forEach((button) => button.addEventListener('click', () => {
    document.querySelectorAll('nav button').forEach((other) => other.setAttribute('aria-selected', String(other === button)));
    document.querySelectorAll('main section').forEach((section) => { section.hidden = section.id !== 'tab-' + button.dataset.tab; });
    if (button.dataset.tab === 'traces') loadTraces();
  }));

  let agents = {};
  const histories = {};
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  async function init() {
    try {
      agents = await (await api('/agents?partial=true')).json();
      const select = $('agent-select');
      select.replaceChildren(...Object.entries(agents).map(([id, agent]) => { const option = element('option', '', agent.name || id); option.value = id; return option; }));
      showModel();
      const workflows = await (await api('/workflows?partial=true')).json();
      $('workflow-select').replaceChildren(...Object.keys(workflows).map((id) => { const option = element('option', '', workflows[id].name || id); option.value = id; return option; }));
    } catch (error) {
      $('chat-log').append(element('div', 'msg error', String(error.message || error)));
    }
  }
  function showModel() {
    const agent = agents[$('agent-select').value];
    $('agent-model').textContent = agent ? agent.provider + '/' + agent.modelId : '';
  }
  $('agent-select').addEventListener('change', () => { showModel(); $('chat-log').replaceChildren(); });

  $('chat-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const agentId = $('agent-select').value;
    const text = $('chat-input').value.trim();
    if (!agentId || !text) return;
    $('chat-input').value = '';
    const log = $('chat-log');
    log.append(element('div', 'msg user', text));
    const history = (histories[agentId] ||= []);
    history.push({ role: 'user', content: text });
    const bubble = element('div', 'msg assistant');
    bubble.dataset.state = 'streaming';
    log.append(bubble);
    let textNode = null;
    const tools = {};
    $('chat-send').disabled = true;
    try {
      const response = await api('/agents/' + encodeURIComponent(agentId) + '/stream', { method: 'POST', body: JSON.stringify({ messages: history }) });
      let answer = '';
      for await (const frame of frames(response, '\\n\\n')) {
        if (!frame.startsWith('data: ')) continue;
        const data = frame.slice(6);
        if (data === '[DONE]') break;
        const chunk = JSON.parse(data);
        if (chunk.type === 'text-delta') {
          if (!textNode) { textNode = element('span', 'text'); bubble.append(textNode); }
          textNode.textContent += chunk.payload.text;
          answer += chunk.payload.text;
        } else if (chunk.type === 'tool-call') {
          const box = element('div', 'tool', '⚙ ' + chunk.payload.toolName + '(' + JSON.stringify(chunk.payload.args) + ')');
          tools[chunk.payload.toolCallId] = box;
          bubble.append(box);
          textNode = null;
        } else if (chunk.type === 'tool-result') {
          const box = tools[chunk.payload.toolCallId] || bubble.appendChild(element('div', 'tool'));
          box.textContent += '\\n→ ' + JSON.stringify(chunk.payload.result);
        } else if (chunk.type === 'error') {
          bubble.append(element('div', 'msg error', chunk.payload.error.message || 'error'));
        }
        log.scrollTop = log.scrollHeight;
      }
      history.push({ role: 'assistant', content: answer });
    } catch (error) {
      bubble.append(element('div', 'msg error', String(error.message || error)));
    } finally {
      bubble.dataset.state = 'done';
      $('chat-send').disabled = false;
    }
  });

  let currentRun = null;
  function stepItem(id) {
    let item = document.querySelector('#workflow-steps li[data-step="' + CSS.escape(id) + '"]');
    if (!item) { item = element('li'); item.dataset.step = id; $('workflow-steps').append(item); }
    return item;
  }
  function showEvent(event) {
    const payload = event.payload || {};
    if (event.type === 'workflow-step-start') {
      const item = stepItem(payload.id); item.className = 'status-running'; item.textContent = payload.id + ': running';
    } else if (event.type === 'workflow-step-result' || event.type === 'workflow-step-suspended') {
      const item = stepItem(payload.id);
      item.className = 'status-' + payload.status;
      item.textContent = payload.id + ': ' + payload.status + (payload.output !== undefined ? ' → ' + JSON.stringify(payload.output) : '') + (payload.suspendPayload !== undefined ? ' ⏸ ' + JSON.stringify(payload.suspendPayload) : '');
    } else if (event.type === 'workflow-finish') {
      $('workflow-status').textContent = payload.workflowStatus;
      $('workflow-status').className = 'status-' + payload.workflowStatus;
    }
  }
  async function follow(response) {
    for await (const frame of frames(response, '\\x1e')) showEvent(JSON.parse(frame));
    const result = await (await api('/workflows/' + encodeURIComponent(currentRun.workflowId) + '/runs/' + encodeURIComponent(currentRun.runId))).json();
    $('workflow-status').textContent = result.status;
    $('workflow-status').className = 'status-' + result.status;
    $('workflow-resume').hidden = result.status !== 'suspended';
    $('workflow-result').hidden = false;
    $('workflow-result').textContent = JSON.stringify(result, null, 2);
  }
  $('workflow-run').addEventListener('click', async () => {
    const workflowId = $('workflow-select').value;
    if (!workflowId) return;
    $('workflow-steps').replaceChildren();
    $('workflow-result').hidden = true;
    $('workflow-resume').hidden = true;
    $('workflow-status').textContent = 'starting…';
    try {
      const inputData = JSON.parse($('workflow-input').value || '{}');
      const { runId } = await (await api('/workflows/' + encodeURIComponent(workflowId) + '/create-run', { method: 'POST', body: '{}' })).json();
      currentRun = { workflowId, runId };
      await follow(await api('/workflows/' + encodeURIComponent(workflowId) + '/stream?runId=' + encodeURIComponent(runId), { method: 'POST', body: JSON.stringify({ inputData }) }));
    } catch (error) {
      $('workflow-status').textContent = String(error.message || error);
      $('workflow-status').className = 'status-failed';
    }
  });
  $('workflow-resume-button').addEventListener('click', async () => {
    if (!currentRun) return;
    try {
      const resumeData = JSON.parse($('resume-input').value || '{}');
      await follow(await api('/workflows/' + encodeURIComponent(currentRun.workflowId) + '/resume-stream?runId=' + encodeURIComponent(currentRun.runId), { method: 'POST', body: JSON.stringify({ resumeData }) }));
    } catch (error) {
      $('workflow-status').textContent = String(error.message || error);
    }
  });

  async function loadTraces() {
    const list = $('trace-list');
    try {
      const { spans } = await (await api('/observability/traces?perPage=50')).json();
      list.replaceChildren(...spans.map((span) => {
        const item = element('li', 'status-' + span.status, new Date(span.startedAt).toLocaleTimeString() + '  ' + span.name + '  ' + (span.entityId || '') + '  ' + (span.durationMs ?? '…') + ' ms');
        item.style.cursor = 'pointer';
        item.addEventListener('click', async () => {
          const trace = await (await api('/observability/traces/' + encodeURIComponent(span.traceId))).json();
          $('trace-detail').hidden = false;
          $('trace-detail').textContent = trace.spans.map((entry) => (entry.parentSpanId ? '  ' : '') + entry.name + ' ' + (entry.durationMs ?? '…') + ' ms ' + entry.status).join('\\n');
        });
        return item;
      }));
    } catch (error) {
      list.replaceChildren(element('li', 'status-failed', String(error.message || error)));
    }
  }
  $('traces-refresh').addEventListener('click', loadTraces);
  init();
})();
</script>
</body>
</html>`;
}
