// One warm node process: for each file, warm-up renders, then N timed renders with mjml 5.4.1
// (soft validation, no minify, no beautify); prints "file<TAB>median-ms<TAB>min-ms" per file.
// Usage: NODE_PATH=.../node_modules node compare-mjml.js <iterations> <file>...
const fs = require('fs');
const mjml2html = require('mjml');
(async () => {
  const [iterArg, ...files] = process.argv.slice(2);
  const n = parseInt(iterArg, 10);
  const sources = files.map((f) => fs.readFileSync(f, 'utf8'));
  // Warm-up over every template first, as the .NET side does, so V8 has optimised the shared code.
  const warmStart = Date.now();
  while (Date.now() - warmStart < 3000) for (const s of sources) await mjml2html(s, { validationLevel: 'soft' });
  for (let f = 0; f < files.length; f++) {
    const file = files[f];
    const src = sources[f];
    for (let i = 0; i < Math.max(20, Math.floor(n / 5)); i++) await mjml2html(src, { validationLevel: 'soft' });
    const samples = [];
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      await mjml2html(src, { validationLevel: 'soft' });
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    samples.sort((a, b) => a - b);
    console.log(`${file}\t${samples[Math.floor(n / 2)].toFixed(4)}\t${samples[0].toFixed(4)}`);
  }
})();
