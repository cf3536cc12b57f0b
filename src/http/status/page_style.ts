/** @module The status page's CSS and its refresh script, inlined (no CDN, no font, no build). */

/** The page's whole style sheet. */
export const PAGE_CSS = `
:root{--fg:#1f2328;--mute:#656d76;--bg:#f6f8fa;--card:#fff;--line:#d0d7de;--ok:#1a7f37;--warn:#bf8700;--error:#cf222e;--off:#8c959f;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--mute:#8d96a0;--bg:#0d1117;--card:#161b22;--line:#30363d;--ok:#3fb950;--warn:#d29922;--error:#f85149;--off:#6e7681;--link:#58a6ff}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
header{display:flex;align-items:center;gap:16px;padding:10px 20px;background:var(--card);border-bottom:1px solid var(--line)}
header h1{font-size:16px;margin:0}header .sp{flex:1}header small{color:var(--mute)}
main{padding:16px 20px;max-width:1500px;margin:0 auto}
h2{font-size:15px;margin:20px 0 8px}h2.big{font-size:20px;margin-top:4px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:10px}
.card{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--off);border-radius:6px;padding:8px 12px}
.card.ok{border-left-color:var(--ok)}.card.warn{border-left-color:var(--warn)}.card.error{border-left-color:var(--error)}
.card h3{margin:0;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--mute);display:flex;justify-content:space-between}
.card .v{font-size:18px;font-weight:600;margin:2px 0 4px;overflow-wrap:anywhere}
.card dl{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:0 10px;font-size:12.5px}
.card dt{color:var(--mute)}.card dd{margin:0;overflow-wrap:anywhere}
.lvl{font-size:11px;font-weight:700;text-transform:uppercase}
.lvl.ok{color:var(--ok)}.lvl.warn{color:var(--warn)}.lvl.error{color:var(--error)}.lvl.off{color:var(--off)}
.chip{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 7px;margin:1px 2px 1px 0;font-size:12px;background:var(--bg);white-space:nowrap}
.chip b{font-weight:600;color:var(--mute)}
form.filter{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
form.filter input[type=search]{flex:1;min-width:220px;max-width:480px;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg)}
button{padding:5px 12px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg);cursor:pointer}
.pills a{padding:3px 10px;border:1px solid var(--line);border-radius:14px;margin-right:4px;color:var(--fg);background:var(--card);font-size:13px}
.pills a.on{background:var(--fg);color:var(--card);border-color:var(--fg)}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:6px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:12px;color:var(--mute);white-space:nowrap;background:var(--bg)}th a{color:inherit}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr:hover td{background:var(--bg)}
.st{display:inline-flex;align-items:center;gap:5px;font-weight:600;white-space:nowrap}
.st::before{content:"";width:9px;height:9px;border-radius:50%;background:var(--off)}
.st.up::before{background:var(--ok)}.st.down::before{background:var(--error)}.st.down{color:var(--error)}
.reason{color:var(--error)}.mute{color:var(--mute)}
.pager{display:flex;gap:12px;align-items:center;margin:8px 0;color:var(--mute)}
.chart{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px}
.chart svg{width:100%;height:auto;display:block}
.chart text{font-size:11px;fill:var(--mute)}.chart .grid{stroke:var(--line);stroke-width:1}
.chart .band{fill:#8c959f;opacity:.35}.chart .med{stroke-width:2.5}.chart .trend{fill:none;stroke:var(--mute);stroke-width:.8;opacity:.6}
.legend{display:flex;gap:14px;font-size:12px;color:var(--mute);margin-top:4px;flex-wrap:wrap}
.legend i{display:inline-block;width:14px;height:4px;margin-right:4px;vertical-align:middle}
.grid2{display:grid;grid-template-columns:minmax(260px,1fr) 3fr;gap:14px;align-items:start}
@media (max-width:900px){.grid2{grid-template-columns:1fr}}
#stamp.stale{color:var(--error)}
`;

/**
 * The refresh script: every 5 s (while the tab is visible) it fetches the JSON parts of the page
 * (`data-parts` on <body> + the page's query string) and swaps each element with that id; typing
 * in the filter box does the same 250 ms after the last key, with the filter put in the URL (so
 * the link stays shareable). An answer older than the newest request is dropped. Without
 * JavaScript the page is complete as served, and `<noscript>` reloads it every 30 s.
 */
export const REFRESH_SCRIPT =
  `(()=>{const b=document.body,u=b.dataset.parts,s=document.getElementById("stamp");if(!u)return;let n=0;
const load=async()=>{const my=++n;try{const r=await fetch(u+location.search,{headers:{accept:"application/json"}});
if(!r.ok)throw new Error(String(r.status));const p=await r.json();if(my!==n)return;for(const[id,html]of Object.entries(p)){const e=document.getElementById(id);if(e)e.innerHTML=html}
if(s){s.textContent="updated "+new Date().toLocaleTimeString();s.className=""}}catch(e){if(s&&my===n){s.textContent="update failed: "+e.message;s.className="stale"}}};
setInterval(()=>{if(!document.hidden)load()},5000);
const f=document.querySelector("form.filter");if(f&&f.q){let t;f.q.addEventListener("input",()=>{clearTimeout(t);t=setTimeout(()=>{
const p=new URLSearchParams(new FormData(f));if(!p.get("q"))p.delete("q");history.replaceState(null,"",p.size?"?"+p:location.pathname);load()},250)})}})();`;
