/** A Submission written into a fresh template reads back as the same Submission, and issues land on its cells. */
import { fillTemplate } from '../../../../core/node/workbook/fill';
import { parseWorkbook } from '../../../../core/node/workbook/parse';
import { SHEETS } from '../../../../core/workbook/contract';
import { validSubmission, validProject, randomAnswers, seeded } from '../../../helpers/fixtures';
import { submissionSchema } from '../../../../core/schema';
import { currentRubric } from '../../../../core/rubric';


test('fillTemplate round-trips through the parser', async () => {
  const input = validSubmission({
    reporter: { unit: '包头市第一建筑工程有限公司', district: '东河区', contact: '李红', phone: '0472-7100945', date: '2024-05-20' },
    projects: [
      validProject(1, { answers: randomAnswers(seeded(3)), notes: { 'A01-1': '=照片 见附件' }, remark: '0012' }),
      validProject(2, { phone: '13912345678', answers: randomAnswers(seeded(4)) }),
      validProject(4, { district: '青山区' }),
    ],
  });
  const submission = submissionSchema(currentRubric()).parse(input);
  const { bytes, locate } = await fillTemplate(submission);
  const parsed = await parseWorkbook(bytes);
  expect(parsed.submission).toEqual({ ...submission, source: 'xlsx' });
  expect(locate(['projects', 2, 'phone'])).toEqual({ sheet: SHEETS.form, cell: 'G9' });
});
