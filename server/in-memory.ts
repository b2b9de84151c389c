/** What a stream writer produces, collected in memory (small workbooks, and exports when the disk is full). */
import { Writable } from 'node:stream';

export async function toBuffer(write: (out: Writable) => Promise<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const finished = new Promise<void>((resolve, reject) => sink.on('finish', resolve).on('error', reject));
  await write(sink);
  await finished;
  return Buffer.concat(chunks);
}
