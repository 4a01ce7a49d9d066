// Times ONNX Runtime's session.run on one model, for bench/compare_networks.py. Prints one JSON object.
//
//     node bench/ort/time_session.mjs --ort DIR --model MODEL.onnx --shape 1,3,224,224 [--threads 1]
//          [--input X.f32] [--output Y.f32] [--runs N | --seconds 1] [--warmup 3]
//     node bench/ort/time_session.mjs --ort DIR --version
//
// DIR is where bench/ort/setup.sh installed onnxruntime-node. The session runs on the CPU with intraOpNumThreads
// --threads, interOpNumThreads 1, graphOptimizationLevel 'all' and sequential execution. The input (raw float32,
// C order, --shape) feeds the model's first input, seeded noise without --input; --output writes the first output
// as raw float32. After --warmup runs, session.run is timed --runs times, or as many times as fill --seconds
// (at least 5). Output: {"version", "threads", "load_ms", "runs", "median_ms", "min_ms", "output_shape"}.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

function parseArgs(argv) {
  const args = { threads: 1, seconds: 1, warmup: 3 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith('--')) throw new Error(`unexpected argument '${flag}'`);
    const name = flag.slice(2);
    if (name === 'version') { args.version = true; continue; }
    if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
    args[name] = argv[++i];
  }
  for (const name of ['threads', 'seconds', 'warmup', 'runs']) {
    if (args[name] !== undefined) args[name] = Number(args[name]);
  }
  if (!args.ort) throw new Error('--ort DIR is required (where bench/ort/setup.sh installed onnxruntime-node)');
  if (!args.version && (!args.model || !args.shape)) throw new Error('--model and --shape are required');
  return args;
}

function loadOrt(dir) {
  const require = createRequire(path.join(path.resolve(dir), 'package.json'));
  const ort = require('onnxruntime-node');
  const version = require('onnxruntime-node/package.json').version;
  return { ort, version };
}

function seededNoise(count) {
  const data = new Float32Array(count);
  let state = 12345;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return data;
}

function readInput(file, count) {
  if (!file) return seededNoise(count);
  const bytes = fs.readFileSync(file);
  if (bytes.length !== count * 4) throw new Error(`${file} has ${bytes.length} bytes, the shape needs ${count * 4}`);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { ort, version } = loadOrt(args.ort);
  if (args.version) {
    console.log(JSON.stringify({ version }));
    return;
  }
  const shape = args.shape.split(',').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const feeds = {};
  const loadStart = nowMs();
  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const loadMs = nowMs() - loadStart;
  feeds[session.inputNames[0]] = new ort.Tensor('float32', readInput(args.input, count), shape);
  const outputName = session.outputNames[0];

  let result;
  for (let i = 0; i < args.warmup; i++) result = await session.run(feeds);
  const times = [];
  const deadline = nowMs() + args.seconds * 1e3;
  while (args.runs !== undefined ? times.length < args.runs : times.length < 5 || nowMs() < deadline) {
    const start = nowMs();
    result = await session.run(feeds);
    times.push(nowMs() - start);
  }
  if (result === undefined) result = await session.run(feeds);
  const output = result[outputName];
  if (args.output) fs.writeFileSync(args.output, Buffer.from(output.data.buffer, output.data.byteOffset, output.data.byteLength));
  console.log(JSON.stringify({
    version, threads: args.threads, load_ms: loadMs, runs: times.length,
    median_ms: median(times), min_ms: Math.min(...times), output_shape: output.dims,
  }));
  await session.release();
}

main().catch((e) => {
  console.error(`time_session: ${e.message}`);
  process.exit(1);
});
