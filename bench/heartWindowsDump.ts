// Dumps the shipped heart model's window classes and mean probabilities for a list of PASCAL
// recordings, to choose the record-label rule on val (training/cards/heart.md).
//     npx tsx bench/heartWindowsDump.ts <list.json> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { HeartClassifier } from '../src/inference/heartClassifier';
import { openNodeModelStore } from '../src/inference/nodeModels';
import { readFlacFile } from '../src/testing/flac';
import { MODELS_DIR } from '../src/testing/data';

interface Item {
  split: string;
  path: string;
  cls: string;
  source: string;
}

const [listFile, outFile] = process.argv.slice(2);
const items = JSON.parse(readFileSync(listFile, 'utf8')) as Item[];
const store = await openNodeModelStore(MODELS_DIR);
const classifier = new HeartClassifier(store);
const out = [];
for (const it of items) {
  const a = readFlacFile(it.path);
  const r = await classifier.classify({ samples: a.samples, sampleRate: a.sampleRate });
  out.push({ ...it, mean: r.predictions.map((p) => p.confidence), windows: r.windows.map((w) => w.className) });
}
writeFileSync(outFile, JSON.stringify(out));
