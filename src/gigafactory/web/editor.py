"""The scenario editor: a form built from the scenario's fields, with the YAML kept in step.

The form edits one site (the first, with one training run as its workload) and the
scenario's policy, reliability and finance; everything else in the scenario (more sites,
inference services, series, solver) stays as the YAML says, so an expert can write any
field there and the form still edits the rest. Each form control carries its field path
(``data-path="sites[0].grid.import_cap_mw"``): a validation error that names a path marks
that control and writes the message under it.
"""

from __future__ import annotations

import html
import json
from typing import Any

import gigafactory

__all__ = ["DEFAULTS_SHOWN", "EDITOR_STYLE", "editor_html", "technology_defaults"]

EDITOR_STYLE = """.editor{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5em}
.editor fieldset{border:1px solid #ddd;border-radius:6px;margin:0 0 1em 0}
.editor label{display:block;margin:.3em 0} .editor label span{display:inline-block;width:13em}
.editor input[type=number]{width:8em} .invalid{outline:2px solid #b00020;background:#fdecee}
.field-error{color:#b00020;font-size:.9em;margin:.1em 0 .4em 13em}
.tech td{padding:1px 6px} .muted{color:#666;font-size:.85em}
@media (max-width:900px){.editor{grid-template-columns:1fr}}"""
"""CSS of the form editor."""

COOLING = ("air_economiser", "direct_liquid", "immersion")
"""Cooling choices, as the scenario schema names them."""


DEFAULTS_SHOWN = ("capex", "capex_energy", "lifetime", "ppa_price")
"""Catalog parameters shown beside each technology (the form shows the first cost)."""

COST_PARAMETERS = ("capex", "capex_energy", "ppa_price")
"""Of those, the ones that are a price."""


def technology_defaults() -> dict[str, dict[str, Any]]:
    """Each catalog technology with its kind, description and sourced default values.

    ``{tech: {"kind", "note", "defaults": {parameter: {value, unit, source, year,
    estimate}}}}``, parameters in the catalog's order; the variant a default scenario uses.
    """
    table = gigafactory.catalog_table("technologies", default_variant=True)
    out: dict[str, dict[str, Any]] = {}
    for row in table.itertuples(index=False):
        entry = out.setdefault(str(row.technology), {"defaults": {}})
        if row.parameter == "kind":
            entry["kind"], entry["note"] = str(row.value), str(row.note)
        elif row.parameter in DEFAULTS_SHOWN:
            entry["defaults"][str(row.parameter)] = {
                "value": str(row.value),
                "unit": str(row.unit),
                "source": str(row.source),
                "year": str(row.year),
                "estimate": str(row.estimate) == "true",
            }
    return out


def _number(label: str, path: str, step: str = "any", hint: str = "") -> str:
    hint_html = f" <span class='muted'>{html.escape(hint)}</span>" if hint else ""
    return (
        f"<label><span>{html.escape(label)}</span>"
        f"<input type='number' step='{step}' data-path='{path}' data-kind='number'>"
        f"{hint_html}</label>"
    )


def editor_html(text: str, lang: str = "en") -> str:
    """The editor's body: form and YAML side by side, with its script."""
    _ = gigafactory.translator(lang)
    rows = []
    for tech, entry in technology_defaults().items():
        if entry["kind"] == "grid":
            continue
        cost = next((d for k, d in entry["defaults"].items() if k in COST_PARAMETERS), None)
        default = "-"
        if cost is not None:
            default = f"{cost['value']} {cost['unit']}" + (
                f" ({_('estimate')})" if cost["estimate"] else ""
            )
        source = cost["source"] if cost is not None else ""
        rows.append(
            f"<tr><td><label><input type='checkbox' data-tech='{html.escape(tech)}'> "
            f"{html.escape(_(gigafactory.label(tech)))}</label></td>"
            f"<td class='muted'>{html.escape(entry['kind'])}</td>"
            f"<td><input type='number' min='0' step='any' placeholder='{_('no limit')}' "
            f"data-path='sites[0].technologies.{html.escape(tech)}.max_mw' "
            "data-kind='number'></td>"
            f"<td class='muted' title='{html.escape(source)}'>{html.escape(default)}</td></tr>"
        )
    contracts = gigafactory.contract_overview()
    contract_rows = "".join(
        f"<label><input type='checkbox' data-contract='{html.escape(str(c.contract))}'> "
        f"{html.escape(str(c.contract))} <span class='muted'>{html.escape(str(c.title))}</span>"
        "</label>"
        for c in contracts.itertuples(index=False)
    )
    cooling = "".join(f"<option value='{c}'>{c}</option>" for c in COOLING)
    chips = gigafactory.catalog_table("accelerators")["accelerator"].unique()
    accelerators = "".join(f"<option value='{html.escape(str(a))}'>{a}</option>" for a in chips)
    run = "sites[0].compute.training[0]"
    strings = {
        key: _(key)
        for key in ("ok", "fix the marked field", "not in the form; see the YAML", "no such site")
    }
    return f"""
<div class="editor">
<form id="form" onsubmit="return false">
<fieldset><legend>{_("Scenario")}</legend>
<label><span>{_("name")}</span><input type="text" data-path="name" data-kind="text"></label>
{_number(_("seed"), "seed", "1")}
</fieldset>
<fieldset><legend>{_("Site")}</legend>
<label><span>{_("site id")}</span><input type="text" data-path="sites[0].id" data-kind="text">
</label>
<label><span>{_("library site")}</span><input type="search" list="site-list" id="site-search"
 data-path="sites[0].catalog" data-kind="text" placeholder="{_("search: Korea, Memphis, ...")}">
</label><div id="site-info" class="muted"></div><datalist id="site-list"></datalist>
{_number(_("IT load [MW]"), "sites[0].load.it_mw")}
<label><span>{_("cooling")}</span><select data-path="sites[0].cooling" data-kind="text">
<option value=""></option>{cooling}</select></label>
{_number(_("grid import cap [MW]"), "sites[0].grid.import_cap_mw")}
</fieldset>
<fieldset><legend>{_("Workload: a training run (instead of an IT load)")}</legend>
<label><span>{_("run name")}</span><input type="text" data-path="{run}.name" data-kind="text">
</label>
<label><span>{_("accelerator")}</span><select data-path="{run}.accelerator" data-kind="text">
<option value=""></option>{accelerators}</select></label>
{_number(_("parameters N"), f"{run}.parameters", hint="e.g. 405e9")}
{_number(_("training tokens D"), f"{run}.tokens", hint="e.g. 15.6e12")}
{_number(_("MFU [0-1]"), f"{run}.mfu", "0.01")}
{_number(_("accelerators"), f"{run}.accelerators", "1")}
</fieldset>
<fieldset><legend>{_("Technologies allowed")}</legend>
<p class="muted">{_("Tick what may be built; the catalog's sourced default cost is shown.")}</p>
<table class="tech"><tr><th></th><th>{_("kind")}</th><th>{_("build limit [MW]")}</th>
<th>{_("default cost")}</th></tr>{"".join(rows)}</table>
</fieldset>
<fieldset><legend>{_("Contracts")}</legend>{contract_rows}</fieldset>
<fieldset><legend>{_("Targets and finance")}</legend>
{_number(_("hourly CFE target [0-1]"), "policy.cfe_target", "0.05")}
{_number(_("carbon price [USD/t]"), "policy.carbon_price_usd_per_t")}
{_number(_("WACC [0-1]"), "finance.wacc", "0.005")}
<label><span>{_("allow unserved energy")}</span><input type="checkbox"
 data-path="reliability.allow_unserved" data-kind="bool"></label>
</fieldset>
<p><button id="validate">{_("validate")}</button> <button id="run">{_("run")}</button></p>
<div id="message" class="error"></div>
</form>
<div><h3>YAML</h3>
<p class="muted">{_("Kept in step with the form; edit it for any other field.")}</p>
<textarea id="yaml" spellcheck="false">{html.escape(text)}</textarea></div>
</div>
<script>const STRINGS = {json.dumps(strings, ensure_ascii=False)};</script>
{EDITOR_SCRIPT}"""


EDITOR_SCRIPT = """<script>
let state = {};
const yamlBox = document.getElementById('yaml');
const message = document.getElementById('message');
function parts(path) { return path.replace(/\\[(\\d+)\\]/g, '.$1').split('.'); }
function getPath(obj, path) {
  return parts(path).reduce((o, k) => (o == null ? undefined : o[k]), obj);
}
function setPath(obj, path, value) {
  const keys = parts(path); let o = obj;
  keys.slice(0, -1).forEach((k, i) => {
    if (o[k] == null || typeof o[k] !== 'object') o[k] = /^\\d+$/.test(keys[i + 1]) ? [] : {};
    o = o[k];
  });
  const last = keys[keys.length - 1];
  if (value === undefined) { if (o) delete o[last]; } else { o[last] = value; }
}
async function api(url, body) {
  const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body)});
  return [r.status, await r.json()];
}
function techs() { return getPath(state, 'sites[0].technologies') || {}; }
function fillForm() {
  document.querySelectorAll('[data-path]').forEach(el => {
    const v = getPath(state, el.dataset.path);
    if (el.dataset.kind === 'bool') el.checked = v === true;
    else el.value = v == null ? '' : v;
  });
  document.querySelectorAll('[data-tech]').forEach(el => {
    el.checked = el.dataset.tech in techs();
  });
  const signed = (getPath(state, 'sites[0].contracts') || []).map(c => c.preset || c.name);
  document.querySelectorAll('[data-contract]').forEach(el => {
    el.checked = signed.includes(el.dataset.contract);
  });
  showSite();
}
async function toYaml() {
  const [status, r] = await api('/api/scenario/yaml', {scenario: state});
  if (status === 200) yamlBox.value = r.yaml;
}
async function fromYaml() {
  const [status, r] = await api('/api/scenario/parse', {yaml: yamlBox.value});
  if (status === 200) { state = r.scenario; fillForm(); clearMarks(); return; }
  const line = /line (\\d+)/.exec(r.detail);
  show({ok: false, error: r.detail, line: line ? Number(line[1]) : null});
}
function readControl(el) {
  if (el.dataset.kind === 'bool') return el.checked ? true : undefined;
  if (el.value === '') return undefined;
  return el.dataset.kind === 'number' ? Number(el.value) : el.value;
}
document.getElementById('form').addEventListener('input', ev => {
  const el = ev.target;
  if (el.dataset.tech) {
    const path = 'sites[0].technologies.' + el.dataset.tech;
    setPath(state, path, el.checked ? (getPath(state, path) || {}) : undefined);
  } else if (el.dataset.contract) {
    const list = (getPath(state, 'sites[0].contracts') || [])
      .filter(c => (c.preset || c.name) !== el.dataset.contract);
    if (el.checked) list.push({name: el.dataset.contract, preset: el.dataset.contract});
    setPath(state, 'sites[0].contracts', list.length ? list : undefined);
  } else if (el.dataset.path) {
    setPath(state, el.dataset.path, readControl(el));
    const tech = el.dataset.path.match(/technologies\\.([^.]+)\\./);
    if (tech && el.value !== '') {
      document.querySelector(`[data-tech="${tech[1]}"]`).checked = true;
    }
  }
  if (el.id === 'site-search') showSite();
  el.classList.remove('invalid');
  toYaml();
});
yamlBox.addEventListener('change', fromYaml);
let sites = [];
function showSite() {
  const info = document.getElementById('site-info');
  const name = getPath(state, 'sites[0].catalog');
  const site = sites.find(s => s.site === name);
  info.textContent = site ? `${site.name} (${site.country}, ${site.latitude}, ${site.longitude})`
    : (name ? STRINGS['no such site'] : '');
}
fetch('/api/catalog/sites').then(r => r.json()).then(list => {
  sites = list;
  document.getElementById('site-list').innerHTML = list.map(s =>
    `<option value="${s.site}">${s.name} (${s.country})</option>`).join('');
  showSite();
});
function clearMarks() {
  document.querySelectorAll('.invalid').forEach(el => el.classList.remove('invalid'));
  document.querySelectorAll('.field-error').forEach(el => el.remove());
  message.textContent = '';
}
function mark(path, text) {
  let el = null; let p = path;
  while (p && !(el = document.querySelector(`[data-path="${p}"]`))) {
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  if (!el) return false;
  el.classList.add('invalid');
  const note = document.createElement('div');
  note.className = 'field-error'; note.textContent = text;
  (el.closest('label') || el).after(note);
  el.focus();
  return true;
}
function selectLine(line) {
  const lines = yamlBox.value.split('\\n');
  const start = lines.slice(0, line - 1).join('\\n').length + (line > 1 ? 1 : 0);
  yamlBox.focus(); yamlBox.setSelectionRange(start, start + (lines[line - 1] || '').length);
}
function show(v) {
  clearMarks();
  if (v.ok) { message.textContent = STRINGS['ok'] + ': ' + v.name; return; }
  const marked = v.path ? mark(v.path, v.error) : false;
  if (v.line) { selectLine(v.line); message.textContent = 'line ' + v.line + ': ' + v.error; }
  else message.textContent = (marked ? STRINGS['fix the marked field'] + ': '
    : (v.path ? STRINGS['not in the form; see the YAML'] + ': ' : '')) + v.error;
}
document.getElementById('validate').onclick = async () => {
  const [, v] = await api('/api/validate', {yaml: yamlBox.value});
  show(v);
};
document.getElementById('run').onclick = async () => {
  const [status, r] = await api('/api/runs', {yaml: yamlBox.value});
  if (status === 201) { window.location = '/runs/' + r.id; return; }
  const [, v] = await api('/api/validate', {yaml: yamlBox.value});
  show(v.ok ? {ok: false, error: r.detail} : v);
};
fromYaml();
</script>"""
