// Writes vega-datasets' data/flights-3m.parquet to stdout as the flights job's input CSV
// (docs/jobs/flights.md, "Input"): the header `date,delay,distance,origin,destination`, then one row per flight in
// file order, `\n`-terminated, no quoting. `date` (a timestamp in microseconds, no time zone) becomes
// YYYY-MM-DDTHH:MM; the integers are written as plain decimals. Any value that the CSV could not carry faithfully
// (a null, seconds in a timestamp, a comma or line break in a code) stops the conversion with an error.
//
// Usage: node flights-to-csv.mjs FLIGHTS.parquet > flights.csv     (benchmarks/fetch-data.sh runs it)
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet'
import { decompress } from 'fzstd'

const COLUMNS = ['date', 'delay', 'distance', 'origin', 'destination']
const MICROS_PER_MINUTE = 60_000_000n
// Polars writes the file with ZSTD pages; hyparquet decodes the rest itself.
const compressors = { ZSTD: (input, length) => decompress(input, new Uint8Array(length)) }

const [path] = process.argv.slice(2)
if (!path) {
  console.error('usage: node flights-to-csv.mjs FLIGHTS.parquet > flights.csv')
  process.exit(2)
}

const file = await asyncBufferFromFile(path)
const metadata = await parquetMetadataAsync(file)
const names = metadata.schema.slice(1).map(e => e.name)
for (const c of COLUMNS) {
  if (!names.includes(c)) throw new Error(`${path}: no column '${c}' (columns: ${names.join(', ')})`)
}

let row = 0
/** One CSV row; `row` counts data rows from 1, for error messages. */
function line([date, delay, distance, origin, destination]) {
  row++
  if (typeof date !== 'bigint' || date % MICROS_PER_MINUTE !== 0n) fail('date', date)
  if (typeof delay !== 'bigint') fail('delay', delay)
  if (typeof distance !== 'bigint') fail('distance', distance)
  if (!isCode(origin)) fail('origin', origin)
  if (!isCode(destination)) fail('destination', destination)
  const minute = new Date(Number(date / 1000n)).toISOString().slice(0, 16) // the stored wall time, read as UTC
  return `${minute},${delay},${distance},${origin},${destination}\n`
}

function isCode(s) {
  return typeof s === 'string' && !/[,\r\n"]/.test(s)
}

function fail(column, value) {
  throw new Error(`data row ${row}: ${column} = ${String(value)} cannot be written to the CSV unchanged`)
}

/** Writes, waiting for the pipe to drain, so memory holds one row group at a time. */
function write(text) {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, err => (err ? reject(err) : resolve()))
  })
}

await write(COLUMNS.join(',') + '\n')
let start = 0
for (const group of metadata.row_groups) {
  const end = start + Number(group.num_rows)
  let rows
  await parquetRead({
    file, compressors, columns: COLUMNS, rowStart: start, rowEnd: end,
    parsers: { timestampFromMicroseconds: micros => micros }, // keep the exact BigInt
    onComplete: result => { rows = result },
  })
  await write(rows.map(line).join(''))
  start = end
}
if (BigInt(row) !== metadata.num_rows) throw new Error(`wrote ${row} rows, the file says ${metadata.num_rows}`)
console.error(`flights-to-csv: ${row} rows`)
