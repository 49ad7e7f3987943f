// Draws Junction's app icon (three paths meeting at one node) and writes it as SVG and as PNGs:
//   icon.svg, icon.png (1024², macOS/Windows source), png/<n>x<n>.png (the Linux icon set).
// Run `node build/icons/generate.mjs` after changing the drawing; the outputs are committed.
// The PNGs are rendered from signed distance functions, so edges are anti-aliased at every size.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

// Geometry in unit coordinates (0..1, y down).
const BG = { inset: 0.0625, radius: 0.2, top: [0x3b, 0x82, 0xf6], bottom: [0x1d, 0x4e, 0xd8] };
const HUB = [0.54, 0.5];
const ENDS = [
  [0.27, 0.29],
  [0.27, 0.71],
  [0.79, 0.5],
];
const STROKE = 0.075; // line width
const END_R = 0.065; // radius of the end dots
const HUB_R = 0.1; // radius of the meeting node

function sdRoundedSquare(x, y) {
  const half = 0.5 - BG.inset;
  const qx = Math.abs(x - 0.5) - (half - BG.radius);
  const qy = Math.abs(y - 0.5) - (half - BG.radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - BG.radius;
}
function sdSegment(x, y, [ax, ay], [bx, by]) {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t);
}
function sdGlyph(x, y) {
  let d = Math.hypot(x - HUB[0], y - HUB[1]) - HUB_R;
  for (const end of ENDS) {
    d = Math.min(d, sdSegment(x, y, end, HUB) - STROKE / 2, Math.hypot(x - end[0], y - end[1]) - END_R);
  }
  return d;
}

function renderRgba(size) {
  const px = new Uint8Array(size * size * 4);
  // Coverage of a shape from its distance in pixels: a one-pixel ramp across the edge.
  const cover = (d) => Math.max(0, Math.min(1, 0.5 - d * size));
  for (let j = 0; j < size; j++) {
    const y = (j + 0.5) / size;
    const bg = BG.top.map((c, k) => c + (BG.bottom[k] - c) * y);
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) / size;
      const a = cover(sdRoundedSquare(x, y));
      const g = cover(sdGlyph(x, y));
      const o = (j * size + i) * 4;
      for (let k = 0; k < 3; k++) px[o + k] = Math.round(bg[k] + (255 - bg[k]) * g);
      px[o + 3] = Math.round(255 * a);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // colour type RGBA
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let j = 0; j < size; j++) {
    raw[j * (stride + 1)] = 0; // filter: none
    raw.set(rgba.subarray(j * stride, (j + 1) * stride), j * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function svg() {
  const s = (v) => +(v * 1024).toFixed(1);
  const side = s(1 - 2 * BG.inset);
  const hex = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  const lines = ENDS.map(([x, y]) => `<line x1="${s(x)}" y1="${s(y)}" x2="${s(HUB[0])}" y2="${s(HUB[1])}"/>`);
  const dots = ENDS.map(([x, y]) => `<circle cx="${s(x)}" cy="${s(y)}" r="${s(END_R)}"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="1024" height="1024">
  <title>Junction</title>
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${hex(BG.top)}"/>
      <stop offset="1" stop-color="${hex(BG.bottom)}"/>
    </linearGradient>
  </defs>
  <rect x="${s(BG.inset)}" y="${s(BG.inset)}" width="${side}" height="${side}" rx="${s(BG.radius)}" fill="url(#bg)"/>
  <g stroke="#fff" stroke-width="${s(STROKE)}" stroke-linecap="round">
    ${lines.join('\n    ')}
  </g>
  <g fill="#fff">
    ${dots.join('\n    ')}
    <circle cx="${s(HUB[0])}" cy="${s(HUB[1])}" r="${s(HUB_R)}"/>
  </g>
</svg>
`;
}

mkdirSync(join(here, 'png'), { recursive: true });
writeFileSync(join(here, 'icon.svg'), svg());
writeFileSync(join(here, 'icon.png'), encodePng(1024, renderRgba(1024)));
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  writeFileSync(join(here, 'png', `${size}x${size}.png`), encodePng(size, renderRgba(size)));
}
console.log(`icons written to ${here}`);
