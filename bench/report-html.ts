/**
 * bench/results/latest.html: one self-contained page (inline CSS and SVG, no script, no
 * network) so it opens from a clone, a CI artefact or an e-mail attachment alike.
 */
import type { BenchResults, Row } from './results';

const COLORS: Record<string, string> = {
  floor: '#0f766e',
  health: '#ca8a04',
  'get-item': '#2563eb',
  'allocate-hot': '#dc2626',
  'allocate-spread': '#ea580c',
  'allocate-naive': '#6b7280',
  transfer: '#16a34a',
  'patch-if-match': '#9333ea',
};

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n === 0) return '0';
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

interface Series {
  name: string;
  color: string;
  points: Array<{ x: number; y: number; wrong?: boolean }>;
}

/** Line chart with concurrency on a log2 x axis (1, 8, 32, 64 spread evenly by doubling). */
function chart(opts: { title: string; unit: string; series: Series[]; xs: number[]; width: number; height: number; labels: boolean }): string {
  const { width, height, xs } = opts;
  const m = { top: 28, right: 16, bottom: 34, left: 52 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  // Headroom above the highest point so its value label stays clear of the title.
  const maxY = Math.max(1e-9, ...opts.series.flatMap((s) => s.points.map((p) => p.y))) * (opts.labels ? 1.12 : 1.02);
  const step = niceStep(maxY, 4);
  const top = Math.ceil(maxY / step) * step || step;
  const lx = (x: number) => Math.log2(x);
  const x0 = lx(Math.min(...xs));
  const x1 = lx(Math.max(...xs));
  const px = (x: number) => m.left + (x1 === x0 ? w / 2 : ((lx(x) - x0) / (x1 - x0)) * w);
  const py = (y: number) => m.top + h - (y / top) * h;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(opts.title)}">`);
  out.push(`<text x="${m.left}" y="16" class="ct">${esc(opts.title)}</text>`);
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = py(v).toFixed(1);
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${y}" y2="${y}" class="grid"/>`);
    const decimals = Number.isInteger(step) ? 0 : Number.isInteger(Math.round(step * 1e6) / 1e5) ? 1 : Math.max(2, -Math.floor(Math.log10(step)) + 1);
    const tick = v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    out.push(`<text x="${m.left - 6}" y="${y}" class="yt" dy="4">${esc(tick)}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${m.top + h}" y2="${m.top + h + 4}" class="axis"/>`);
    out.push(`<text x="${px(x).toFixed(1)}" y="${m.top + h + 16}" class="xt">${x}</text>`);
  }
  out.push(`<text x="${m.left + w / 2}" y="${height - 3}" class="xl">concurrent clients</text>`);
  out.push(`<text x="12" y="${m.top + h / 2}" class="xl" transform="rotate(-90 12 ${m.top + h / 2})">${esc(opts.unit)}</text>`);
  out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" class="axis"/>`);
  for (const s of opts.series) {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.2" points="${pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      const cx = px(p.x).toFixed(1);
      const cy = py(p.y).toFixed(1);
      out.push(
        p.wrong
          ? `<circle cx="${cx}" cy="${cy}" r="4.5" fill="#fff" stroke="#b91c1c" stroke-width="2.5"><title>${esc(s.name)} @ ${p.x}: ${fmt(p.y)} — NOT correct</title></circle>`
          : `<circle cx="${cx}" cy="${cy}" r="3.5" fill="${s.color}"><title>${esc(s.name)} @ ${p.x}: ${fmt(p.y)}</title></circle>`,
      );
      if (opts.labels) out.push(`<text x="${cx}" y="${(py(p.y) - 8).toFixed(1)}" class="pl">${esc(fmt(p.y))}</text>`);
    }
  }
  out.push('</svg>');
  return out.join('');
}

function legend(names: string[]): string {
  return `<div class="legend">${names.map((n) => `<span><i style="background:${COLORS[n] ?? '#000'}"></i>${esc(n)}</span>`).join('')}</div>`;
}

function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s}: ${n.toLocaleString('en-US')}`)
    .join(', ');
}

export function renderHtml(results: BenchResults): string {
  const rows = results.scenarios;
  const names = [...new Set(rows.map((r) => r.name))];
  const xs = [...new Set(rows.map((r) => r.concurrency))].sort((a, b) => a - b);
  const byName = (n: string): Row[] => rows.filter((r) => r.name === n).sort((a, b) => a.concurrency - b.concurrency);
  const series = (pick: (r: Row) => number, markWrong: boolean): Series[] =>
    names.map((n) => ({ name: n, color: COLORS[n] ?? '#000', points: byName(n).map((r) => ({ x: r.concurrency, y: pick(r), wrong: markWrong && !r.correct })) }));
  const h = results.headline;
  const hotRows = byName('allocate-hot');
  const hotCorrect = hotRows.length > 0 && hotRows.every((r) => r.correct);
  const ratio = (v: number | null, what: string) =>
    `<div class="kpi"><div class="big">${v === null ? '–' : `${v.toFixed(2)}×`}</div><div>${what}</div></div>`;

  const cards = names
    .map((n) => {
      const rs = byName(n);
      const s = series(() => 0, true).find((x) => x.name === n)!;
      const rpsSeries = [{ ...s, points: rs.map((r) => ({ x: r.concurrency, y: r.rps, wrong: !r.correct })) }];
      const p99Series = [{ ...s, points: rs.map((r) => ({ x: r.concurrency, y: r.p99Ms, wrong: !r.correct })) }];
      const verdicts = rs
        .map((r) => `<span class="${r.correct ? 'ok' : 'bad'}" title="${esc(r.detail)}">${r.concurrency}: ${r.correct ? 'correct' : r.oversoldBy !== undefined ? `wrong, oversold by ${r.oversoldBy}` : 'WRONG'}</span>`)
        .join(' ');
      return `<section class="card"><h3><i style="background:${COLORS[n] ?? '#000'}"></i>${esc(n)}</h3>
<p class="sum">${esc(results.summaries[n] ?? '')}</p>
<div class="pair">${chart({ title: 'throughput', unit: 'requests / s', series: rpsSeries, xs, width: 285, height: 190, labels: true })}${chart({ title: 'p99 latency', unit: 'ms', series: p99Series, xs, width: 285, height: 190, labels: true })}</div>
<p class="verdicts">${verdicts}</p></section>`;
    })
    .join('\n');

  const table = rows
    .map(
      (r) => `<tr class="${r.correct ? '' : 'wrongrow'}"><td>${esc(r.name)}</td><td class="n">${r.concurrency}</td><td class="n">${fmt(r.rps)}</td><td class="n">${fmt(r.p50Ms)}</td><td class="n">${fmt(r.p99Ms)}</td><td class="n">${r.p99OverP50 === null ? '–' : fmt(r.p99OverP50)}</td><td>${esc(statusText(r.statuses))}</td><td class="n">${r.retriesPerSuccess.toFixed(3)}</td><td class="n">${r.inputsPerBatch ?? '–'}</td><td class="n">${r.serverCpuUsPerRequest ?? '–'}</td><td>${r.correct ? '✓' : `✗${r.oversoldBy !== undefined ? ` oversold by ${r.oversoldBy}` : ''}`}</td><td class="detail">${esc(r.detail)}</td></tr>`,
    )
    .join('\n');

  const m = results.machine;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bench — race-safe backend</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;margin:0;background:#f8fafc}
main{max-width:1280px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:15px;margin:0 0 4px;display:flex;align-items:center;gap:8px}
.meta{color:#4b5563}.kpis{display:flex;gap:14px;flex-wrap:wrap;margin-top:14px}
.kpi{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 16px;min-width:220px;max-width:300px}
.kpi .big{font-size:28px;font-weight:700}
.wide{display:flex;gap:12px;flex-wrap:wrap}.wide svg,.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px}
.grid3{display:grid;grid-template-columns:repeat(auto-fill,minmax(590px,1fr));gap:12px}
.card{padding:12px}.pair{display:flex;gap:4px;flex-wrap:wrap}.sum{color:#4b5563;margin:0 0 6px;font-size:13px;min-height:38px}
h3 i,.legend i{display:inline-block;width:12px;height:12px;border-radius:3px}
.legend{display:flex;gap:14px;flex-wrap:wrap;margin:6px 0}.legend span{display:flex;align-items:center;gap:6px}
.verdicts{margin:4px 0 0;font-size:12px}.ok{color:#15803d}.bad{color:#b91c1c;font-weight:600}
svg text{font:11px system-ui,sans-serif;fill:#374151}svg .ct{font-weight:600;font-size:12px}svg .yt{text-anchor:end}svg .xt,svg .xl,svg .pl{text-anchor:middle}svg .pl{font-size:10px;fill:#111827}
svg .grid{stroke:#e5e7eb}svg .axis{stroke:#9ca3af}
table{border-collapse:collapse;width:100%;background:#fff;font-size:12.5px}th,td{border-bottom:1px solid #e5e7eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f1f5f9}td.n{text-align:right;font-variant-numeric:tabular-nums}td.detail{color:#4b5563;max-width:420px}
tr.wrongrow td{background:#fef2f2}.warn{background:#fffbeb;border:1px solid #f59e0b;border-radius:8px;padding:8px 12px;margin:12px 0 0}
dl{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 16px}dt{font-weight:600}dd{margin:0 0 8px}
</style></head><body><main>
<h1>Race-safe backend — HTTP benchmark</h1>
<div class="meta">${esc(results.generatedAt)} · ${esc(results.mode)} pass, ${results.cellSeconds} s per cell · ${m.cpus} × ${esc(m.cpuModel)} · Node ${esc(m.node)} · ${esc(m.platform)} · load average (1/5/15 min) ${esc(m.loadAverage.map((l) => l.toFixed(1)).join(' / '))} at start, ${esc(m.loadAverageEnd.map((l) => l.toFixed(1)).join(' / '))} at the end · app from ${esc(m.app)}, emulator in its own process</div>
${m.loadAverage[0] >= m.cpus ? `<p class="warn">The machine was busy before the bench started (load average ${m.loadAverage[0].toFixed(1)} on ${m.cpus} CPUs): absolute numbers are depressed and noisy; compare ratios, and re-run on a quiet machine for figures to quote.</p>` : ''}
<div class="kpis">
${ratio(h.getItemOverFloor64, 'get-item / floor throughput at 64 clients — the app\'s authenticated read against a framework-free one on the same database (target ≥ 0.5)')}
${ratio(h.healthOverFloor64, 'health / floor throughput at 64 clients — the liveness probe, which reads nothing, against the floor\'s database read (target ≥ 1)')}
${ratio(h.allocateHotOverGetItem64, 'allocate-hot / get-item throughput at 64 clients — what a guarded, transactional allocation on one hot item costs against a plain read')}
${ratio(h.allocateHotOverNaive64, 'allocate-hot / allocate-naive throughput at 64 clients — the price of never overselling')}
<div class="kpi"><div class="big">${h.naiveOversoldBy64 ?? '–'}</div><div>units oversold by allocate-naive at 64 clients in ${results.cellSeconds} s; allocate-hot ${hotCorrect ? 'was checked correct at every level: 0 oversold' : 'was NOT correct at every level — see the table'}</div></div>
</div>
<h2>Ratios per level</h2>
<p class="meta">Throughput ratios between cells of the same run and level (the cells of one level run back to back, under the same machine load).</p>
<table><thead><tr><th>clients</th><th>get-item / floor</th><th>health / floor</th><th>allocate-hot / get-item</th><th>allocate-spread / get-item</th><th>transfer / get-item</th><th>server CPU per request: get-item ÷ floor</th><th>health ÷ floor</th></tr></thead><tbody>
${results.ratios
  .map((r) => `<tr><td class="n">${r.concurrency}</td>${[r.getItemOverFloor, r.healthOverFloor, r.allocateHotOverGetItem, r.allocateSpreadOverGetItem, r.transferOverGetItem, r.getItemCpuOverFloorCpu, r.healthCpuOverFloorCpu].map((v) => `<td class="n">${v === null ? '–' : `${v.toFixed(2)}×`}</td>`).join('')}</tr>`)
  .join('\n')}
</tbody></table>
<h2>All scenarios</h2>
${legend(names)}
<div class="wide">${chart({ title: 'throughput vs concurrency', unit: 'requests / s', series: series((r) => r.rps, true), xs, width: 600, height: 300, labels: false })}${chart({ title: 'p99 latency vs concurrency', unit: 'ms', series: series((r) => r.p99Ms, true), xs, width: 600, height: 300, labels: false })}</div>
<p class="meta">A hollow red point is a cell whose result was not correct (only allocate-naive is expected there).</p>
<h2>Per scenario</h2>
<div class="grid3">
${cards}
</div>
<h2>All cells</h2>
<table><thead><tr><th>scenario</th><th>clients</th><th>rps</th><th>p50 ms</th><th>p99 ms</th><th>p99 / p50</th><th>statuses</th><th>retries / success</th><th>callers / batch</th><th>server CPU µs / req</th><th>correct</th><th>what was checked</th></tr></thead><tbody>
${table}
</tbody></table>
<h2>Definitions</h2>
<dl>${Object.entries(results.definitions)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('')}</dl>
</main></body></html>
`;
}
