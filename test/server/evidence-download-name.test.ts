/**
 * The name a downloaded 佐证 file is saved under: the server's rule (the uploaded name, the extension of what the file
 * is) and the dashboard's reading of Content-Disposition (RFC 6266 / 8187: filename* before filename).
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { dispositionFileName } from '../../core/disposition';
import { evidenceDownloadName } from '../../core/evidence';

test('the uploaded name with the extension of the content; the criterion when the name is only an extension', () => {
  expect(evidenceDownloadName('实为照片.pdf', 'A01-1', 'jpeg')).toBe('实为照片.jpg');
  expect(evidenceDownloadName('挂牌.JPG', 'A01-1', 'jpeg')).toBe('挂牌.jpg');
  expect(evidenceDownloadName('制度.v2.docx', 'A02-3', 'docx')).toBe('制度.v2.docx');
  expect(evidenceDownloadName('没有扩展名', 'A02-3', 'pdf')).toBe('没有扩展名.pdf');
  expect(evidenceDownloadName('.pdf', 'A02-3', 'png')).toBe('A02-3.png');
});

test('what Express sends (res.attachment, as the evidence route does) is read back exactly', async () => {
  const names = ['实为照片.jpg', '挂牌 公示（1）.jpg', 'report.pdf', 'a;b=c.docx', 'quote"d.pdf', 'per%cent.xlsx', 'café.png', "it's.pdf"];
  const app = express();
  app.get('/:i', (req, res) => void res.attachment(names[Number(req.params.i)]).end());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [i, name] of names.entries()) {
      const header = (await fetch(`${base}/${i}`)).headers.get('content-disposition');
      expect(dispositionFileName(header)).toBe(name);
      expect(dispositionFileName(header!.replace(/^attachment/, 'inline'))).toBe(name);
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('filename* before filename, in either order; its charset, language and percent-encoding', () => {
  expect(dispositionFileName(`attachment; filename="??.jpg"; filename*=UTF-8''%E6%8C%82%E7%89%8C.jpg`)).toBe('挂牌.jpg');
  expect(dispositionFileName(`attachment; filename*=utf-8'zh-CN'%E6%8C%82%E7%89%8C.jpg; filename="fallback.jpg"`)).toBe('挂牌.jpg');
  expect(dispositionFileName(`attachment; FILENAME*=ISO-8859-1''caf%E9.png`)).toBe('café.png');
  // A charset it cannot read, or broken encoding: the plain filename.
  expect(dispositionFileName(`attachment; filename*=GBK''%B9%D2.jpg; filename="plain.jpg"`)).toBe('plain.jpg');
  expect(dispositionFileName(`attachment; filename*=UTF-8''%E6%8C.jpg; filename="plain.jpg"`)).toBe('plain.jpg');
});

test('plain filename: token or quoted string with escapes; a quoted ; or filename= is part of the name', () => {
  expect(dispositionFileName('attachment; filename=report.pdf')).toBe('report.pdf');
  expect(dispositionFileName('attachment;filename = "a \\"b\\".pdf"')).toBe('a "b".pdf');
  expect(dispositionFileName('attachment; filename="x; filename*=UTF-8\'\'evil.exe"')).toBe("x; filename*=UTF-8''evil.exe");
  expect(dispositionFileName('attachment; size=3; filename="b.pdf"')).toBe('b.pdf');
});

test('no name, and no folders', () => {
  expect(dispositionFileName(null)).toBeUndefined();
  expect(dispositionFileName('attachment')).toBeUndefined();
  expect(dispositionFileName('attachment; filename=""')).toBeUndefined();
  expect(dispositionFileName('attachment; filename="../../etc/passwd"')).toBe('passwd');
  expect(dispositionFileName(`attachment; filename*=UTF-8''..%5C..%5Cboot.ini`)).toBe('boot.ini');
});
