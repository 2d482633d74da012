/**
 * The `pick_cest` web page: one CEST profile at a time, click the major then the minor dip,
 * keyboard n/→ next, p/← previous, u/Backspace undo; every change is posted to `/picks`, which
 * writes the files. Self-contained (no network beyond its own server).
 *
 * @module
 */
import type { PickProfile } from "./pick_cest.ts";

const SCRIPT = `(function(){
var P=JSON.parse(document.getElementById('data').textContent);
var W=860,H=420,L=60,R=20,T=20,B=50;
var picks={},cur=0;var svg=document.getElementById('plot');
function dom(p){var xs=p.points.map(function(q){return q.ppm}),ys=p.points.map(function(q){return q.ratio});
 var x0=Math.min.apply(null,xs),x1=Math.max.apply(null,xs),y0=Math.min.apply(null,ys.concat([0])),y1=Math.max.apply(null,ys.concat([1]));
 var px=(x1-x0)*0.02||0.5,py=(y1-y0)*0.05||0.05;return{x0:x0-px,x1:x1+px,y0:y0-py,y1:y1+py};}
function sx(d,v){return L+(d.x1-v)/(d.x1-d.x0)*(W-L-R);}
function sy(d,v){return T+(d.y1-v)/(d.y1-d.y0)*(H-T-B);}
function inv(d,px){return d.x1-(px-L)/(W-L-R)*(d.x1-d.x0);}
function ticks(a,b,n){var raw=(b-a)/n,m=Math.pow(10,Math.floor(Math.log10(raw))),s=[1,2,5,10].map(function(k){return k*m}).find(function(k){return k>=raw});var out=[];for(var v=Math.ceil(a/s)*s;v<=b;v+=s)out.push(+v.toPrecision(8));return out;}
function draw(){var p=P[cur],d=dom(p),h=[];
 h.push('<rect x="'+L+'" y="'+T+'" width="'+(W-L-R)+'" height="'+(H-T-B)+'" fill="white" stroke="#888"/>');
 ticks(d.x0,d.x1,8).forEach(function(t){h.push('<text x="'+sx(d,t)+'" y="'+(H-B+15)+'" text-anchor="middle">'+t+'</text>');});
 ticks(d.y0,d.y1,5).forEach(function(t){h.push('<line x1="'+L+'" x2="'+(W-R)+'" y1="'+sy(d,t)+'" y2="'+sy(d,t)+'" stroke="#eee"/><text x="'+(L-4)+'" y="'+(sy(d,t)+4)+'" text-anchor="end">'+t+'</text>');});
 h.push('<text x="'+(W/2)+'" y="'+(H-12)+'" text-anchor="middle">B1 position (ppm)</text>');
 h.push('<path d="'+p.points.map(function(q,k){return (k?'L':'M')+sx(d,q.ppm).toFixed(1)+','+sy(d,q.ratio).toFixed(1)}).join('')+'" fill="none" stroke="#E57373"/>');
 p.points.forEach(function(q){h.push('<circle cx="'+sx(d,q.ppm).toFixed(1)+'" cy="'+sy(d,q.ratio).toFixed(1)+'" r="2.5" fill="#D32F2F"/>');});
 (picks[cur]||[]).forEach(function(v,k){h.push('<line class="pick '+(k?'minor':'major')+'" x1="'+sx(d,v)+'" x2="'+sx(d,v)+'" y1="'+T+'" y2="'+(H-B)+'" stroke="'+(k?'#1976D2':'#388E3C')+'" stroke-width="2"'+(k?' stroke-dasharray="6 3"':'')+'/>');});
 svg.innerHTML=h.join('');
 document.getElementById('title').textContent=p.name+' ('+p.experiment+') \\u2014 profile '+(cur+1)+' of '+P.length;
 var pk=picks[cur]||[];document.getElementById('status').textContent=pk.length===0?'click the major dip':
  pk.length===1?'major '+pk[0].toFixed(3)+' ppm; click the minor dip':'major '+pk[0].toFixed(3)+' ppm, minor '+pk[1].toFixed(3)+' ppm, \\u0394\\u03d6 '+(pk[1]-pk[0]).toFixed(3)+' ppm';}
function save(){var body={picks:{}};Object.keys(picks).forEach(function(k){if(picks[k].length)body.picks[k]=picks[k];});
 return fetch('/picks',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)})
  .then(function(r){return r.json()}).then(function(j){document.getElementById('saved').textContent=j.error?('error: '+j.error):('saved '+j.written.join(', '));window.exfitPick.saves++;});}
function add(v){var pk=picks[cur]||[];if(pk.length>=2)pk=[pk[0]];pk.push(v);picks[cur]=pk;draw();return save();}
function undo(){var pk=picks[cur]||[];if(!pk.length)return;pk.pop();picks[cur]=pk;draw();return save();}
function go(k){cur=Math.max(0,Math.min(P.length-1,k));draw();}
svg.addEventListener('click',function(e){var r=svg.getBoundingClientRect();var px=(e.clientX-r.left)*W/r.width;if(px<L||px>W-R)return;add(inv(dom(P[cur]),px));});
document.addEventListener('keydown',function(e){if(e.key==='ArrowRight'||e.key==='n')go(cur+1);else if(e.key==='ArrowLeft'||e.key==='p')go(cur-1);
 else if(e.key==='u'||e.key==='Backspace'||(e.key==='z'&&(e.ctrlKey||e.metaKey))){e.preventDefault();undo();}});
document.getElementById('prev').onclick=function(){go(cur-1)};document.getElementById('next').onclick=function(){go(cur+1)};
document.getElementById('undo').onclick=function(){undo()};
document.getElementById('done').onclick=function(){fetch('/quit',{method:'POST'}).then(function(){document.getElementById('saved').textContent='done: you can close this page';});};
window.exfitPick={saves:0,index:function(){return cur},ppmToClientX:function(v){var r=svg.getBoundingClientRect();return r.left+sx(dom(P[cur]),v)*r.width/W;},
 clientY:function(){var r=svg.getBoundingClientRect();return r.top+r.height/2;}};
draw();})();`;

/**
 * The page for the given profiles.
 *
 * @example
 * ```ts
 * const html = pickPage(pickProfiles(study), "Sandbox");
 * ```
 */
export function pickPage(profiles: PickProfile[], outDir: string): string {
  const data = JSON.stringify(profiles).replace(/</g, "\\u003c");
  const dir = outDir.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>exfit pick_cest</title>
<style>body{font-family:sans-serif;margin:1em 2em}svg{border:1px solid #ddd;cursor:crosshair;font-size:11px}
button{margin-right:.5em}#status{margin:.5em 0;font-weight:bold}#saved{color:#555}</style></head><body>
<h1 id="title"></h1>
<p>Click the <b>major</b> dip (state A), then the <b>minor</b> dip (state B). Keys: n / → next,
p / ← previous, u / Backspace undo. Files are written to <code>${dir}</code> after every change.</p>
<div><button id="prev">← previous</button><button id="next">next →</button><button id="undo">undo</button>
<button id="done">done</button></div>
<div id="status"></div>
<svg id="plot" xmlns="http://www.w3.org/2000/svg" width="860" height="420" viewBox="0 0 860 420"></svg>
<div id="saved"></div>
<script type="application/json" id="data">${data}</script>
<script>${SCRIPT}</script></body></html>`;
}
