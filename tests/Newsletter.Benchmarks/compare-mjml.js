// The node side of `compare-mjml.sh`: mjml 5.4.1 in one warm process (soft validation, no minify, no beautify),
// timed by the protocol of TimingProtocol.cs, step for step (read that file's summary for what is timed).
// Usage: NODE_PATH=.../node_modules node compare-mjml.js <rounds> <iterations> <warmup-seconds> <list-file>
// The list file has one "key<TAB>path" line per template; output lines: "interleaved|loop<TAB>key<TAB>median-ms",
// "<TAB>cpu-median-ms", then "cpu<TAB>ms" (process CPU, user + system, of the interleaved phase) and "wall<TAB>ms".
const fs = require('fs');
const mjml2html = require('mjml');
const options = { validationLevel: 'soft' };
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return (a[(a.length - 1) >> 1] + a[a.length >> 1]) / 2; };
const now = () => process.hrtime.bigint();
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
(async () => {
  const [roundsArg, iterArg, warmArg, listFile] = process.argv.slice(2);
  const rounds = parseInt(roundsArg, 10), iterations = parseInt(iterArg, 10), warmup = parseFloat(warmArg);
  const templates = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [key, path] = line.split('\t');
    return { key, source: fs.readFileSync(path, 'utf8') };
  });
  const warm = cpuMs();
  do { for (const t of templates) await mjml2html(t.source, options); } while (cpuMs() - warm < warmup * 1000);

  const samples = templates.map(() => []);
  const cpuSamples = templates.map(() => []);
  const cpu = process.cpuUsage();
  const wall = now();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < templates.length; i++) {
      const c0 = cpuMs();
      const t0 = now();
      await mjml2html(templates[i].source, options);
      samples[i].push(ms(t0));
      cpuSamples[i].push(cpuMs() - c0);
    }
  }
  const wallMs = ms(wall);
  const used = process.cpuUsage(cpu);
  templates.forEach((t, i) => console.log(`interleaved\t${t.key}\t${median(samples[i]).toFixed(5)}\t${median(cpuSamples[i]).toFixed(5)}`));

  for (const t of templates) {
    for (let i = 0; i < Math.max(3, Math.floor(iterations / 5)); i++) await mjml2html(t.source, options);
    const s = [], c = [];
    for (let i = 0; i < iterations; i++) {
      const c0 = cpuMs();
      const t0 = now();
      await mjml2html(t.source, options);
      s.push(ms(t0));
      c.push(cpuMs() - c0);
    }
    console.log(`loop\t${t.key}\t${median(s).toFixed(5)}\t${median(c).toFixed(5)}`);
  }
  console.log(`cpu\t${((used.user + used.system) / 1000).toFixed(3)}`);
  console.log(`wall\t${wallMs.toFixed(3)}`);
})();
