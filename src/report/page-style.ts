// The page's only style sheet and script, inlined: the report is opened offline from CI artifacts,
// so it fetches nothing. The script only adds conveniences; everything essential is in the HTML.

/** The style sheet: light and dark schemes, and a print layout with every detail shown. */
export const PAGE_CSS = `
:root{--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--card:#f6f8fa;--ok:#1a7f37;--warn:#9a6700;--fail:#cf222e;--skip:#6e7781;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--card:#161b22;--ok:#3fb950;--warn:#d29922;--fail:#f85149;--skip:#8b949e}}
*{box-sizing:border-box}
body{margin:0 auto;padding:1rem 1.5rem 3rem;max-width:1400px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}h4{margin:.6rem 0 .2rem;font-size:.9rem}
small,.muted{color:var(--muted)}a{color:inherit}code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.5rem;overflow:auto;max-height:24rem;white-space:pre-wrap;word-break:break-all}
.ok{--c:var(--ok)}.warn{--c:var(--warn)}.fail{--c:var(--fail)}.skip{--c:var(--skip)}
.badge{display:inline-block;border:1px solid var(--c);color:var(--c);border-radius:1rem;padding:0 .55rem;font-weight:600;white-space:nowrap}
.big{font-size:1.1rem;padding:.1rem .8rem}
.facts{display:flex;flex-wrap:wrap;gap:.2rem 1.4rem;margin:.6rem 0}.facts div{display:flex;gap:.35rem}.facts dt{color:var(--muted)}.facts dd{margin:0}
.counts{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:.4rem 0}.counts li{border:1px solid var(--c,var(--line));color:var(--c,var(--fg));border-radius:4px;padding:0 .45rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:12px;color:var(--muted)}.key.ok,.key.warn,.key.fail,.key.skip{color:var(--c)}
.delay-key,.grace-key,.deadline-key{display:inline-block;width:18px;height:10px;vertical-align:middle}
.delay-key{border-top:2px dotted var(--muted);height:0}.grace-key{background:repeating-linear-gradient(135deg,var(--fg) 0 2px,transparent 2px 5px);opacity:.6}.deadline-key{width:0;border-left:2px solid var(--fail)}
.timeline{border:1px solid var(--line);border-radius:6px;padding:.3rem .5rem}
.row{display:grid;grid-template-columns:minmax(7rem,15rem) 1fr;align-items:center;min-height:20px;border-bottom:1px solid var(--line)}.row:last-child{border-bottom:0}
.row .label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding-right:.5rem;text-decoration:none;font-size:12px}
.i{color:var(--c)}
.track{position:relative;height:18px}
.axis .track{height:16px}.tick{position:absolute;top:0;font-size:11px;color:var(--muted);border-left:1px solid var(--line);padding-left:2px;white-space:nowrap}
.bar{position:absolute;top:3px;height:12px;border-radius:2px;background:var(--c);color:#fff;text-decoration:none;overflow:visible;min-width:2px}
.bar:focus{outline:2px solid var(--fg);outline-offset:1px}
.bi{position:absolute;left:2px;top:-2px;font-size:10px;line-height:16px;overflow:hidden;max-width:100%}
.grace{position:absolute;top:0;bottom:0;right:0;background:repeating-linear-gradient(135deg,rgba(0,0,0,.55) 0 2px,transparent 2px 5px)}
.delay{position:absolute;top:8px;height:0;border-top:2px dotted var(--muted)}
.deadline{position:absolute;top:0;bottom:0;width:0;border-left:2px solid var(--fail)}
.tip{display:none;position:absolute;z-index:5;left:0;top:16px;min-width:16rem;max-width:32rem;background:var(--card);color:var(--fg);border:1px solid var(--line);border-radius:6px;padding:.4rem .55rem;font-size:12px;box-shadow:0 4px 14px rgba(0,0,0,.2)}
.bar.end .tip{left:auto;right:0}.bar:hover .tip,.bar:focus .tip{display:block}
.note{font-size:12px;color:var(--c);white-space:nowrap;overflow:hidden;text-overflow:ellipsis;display:block}
.graph{overflow:auto;max-height:70vh;border:1px solid var(--line);border-radius:6px}
.graph svg{display:block}.node rect{fill:var(--card);stroke:var(--c);stroke-width:2}.node text{fill:var(--fg);font:12px ui-monospace,monospace}
.node:focus rect,.node:hover rect{stroke-width:3}.edge{fill:none;stroke:var(--muted);stroke-width:1.2}.edge.cause{stroke:var(--fail);stroke-width:2;stroke-dasharray:5 3}
.step{border:1px solid var(--line);border-left:4px solid var(--c);border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
.step>summary{cursor:pointer}.step>summary small{margin-left:.5rem}
.step dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}.step dt{color:var(--muted)}.step dd{margin:0;min-width:0;overflow-wrap:anywhere}
.hint{font-weight:600}.warnings{margin:0;padding-left:1rem;list-style:none;color:var(--warn)}
.attempts{border-collapse:collapse;font-size:12px;margin:.4rem 0;width:100%}.attempts th,.attempts td{border-bottom:1px solid var(--line);padding:.15rem .4rem;text-align:left;vertical-align:top}.attempts td.ok,.attempts td.warn,.attempts td.fail,.attempts td.skip{color:var(--c);white-space:nowrap}
.spark{vertical-align:middle;margin:0 .3rem}.spark polyline{fill:none;stroke:var(--c,var(--fg));stroke-width:1.5}.spark.cpu{--c:var(--warn)}.spark.mem{--c:var(--ok)}.res{white-space:nowrap;margin-right:.8rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.tools{float:right}.tools button{font:inherit;font-size:12px;margin-left:.3rem}
footer{margin-top:2rem;color:var(--muted);font-size:12px}
@media print{:root{--bg:#fff;--fg:#000;--card:#fff;--line:#bbb}body{max-width:none;padding:0;font-size:11px}.tools,.tip{display:none!important}.graph{max-height:none;overflow:visible;border:0}.step,.row{break-inside:avoid}pre{max-height:none}.bar{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
`;

/**
 * The script: expand/collapse buttons, every detail opened for printing, and a step opened when a
 * link leads to it. Allowed by the page's Content-Security-Policy through its hash alone.
 */
export const PAGE_SCRIPT =
  "(()=>{const all=()=>document.querySelectorAll('details');" +
  "const open=()=>{const t=location.hash&&document.getElementById(location.hash.slice(1));if(t&&t.tagName==='DETAILS')t.open=true;};" +
  "addEventListener('hashchange',open);open();addEventListener('beforeprint',()=>all().forEach(d=>d.open=true));" +
  "const bar=document.getElementById('tools');if(!bar)return;" +
  "for(const [label,v] of [['expand all',true],['collapse all',false]]){const b=document.createElement('button');b.type='button';b.textContent=label;b.onclick=()=>all().forEach(d=>d.open=v);bar.append(b);}})();";

/** The SHA-256 of {@link PAGE_SCRIPT}, base64: the only script the page's policy lets run (a test keeps it current). */
export const PAGE_SCRIPT_HASH = 'sha256-KSvJS0nfnXOL2r5anErHff9F+Jl9gSXbTTQtUj/oEnQ=';

/** The page's Content-Security-Policy: nothing is fetched, and no script but the page's own runs. */
export const PAGE_POLICY = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '${PAGE_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'`;
