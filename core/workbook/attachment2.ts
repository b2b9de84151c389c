/**
 * A project as the six columns of 附件2《申报表回执》 (FORM_HEADERS): 项目情况 and 开竣工日期 joined into one text each,
 * as the 回执 had them. Used by every consolidated sheet (总表, 观摩名单) and by the task pane's 本区汇总, so the
 * columns read the same wherever they appear. Browser-safe.
 */
import type { Project } from '../schema';

type ProjectText = Pick<Project, 'projectName' | 'address' | 'scale' | 'startDate' | 'endDate'>;

/** 项目情况（包括地址、建设规模等） as one text. */
export function situationText(p: ProjectText): string {
  return `${p.projectName}；地址：${p.address}；规模：${p.scale}`;
}

/** 开竣工日期 as one text: 开工—竣工 (the notice's em dash). */
export function periodText(p: ProjectText): string {
  return `${p.startDate}—${p.endDate}`;
}

/** The six 附件2 values of a project, in FORM_HEADERS order (序号 may be renumbered by the caller). */
export function attachment2Row(p: Project, seq: number = p.seq): [number, string, string, string, string, string] {
  return [seq, p.enterprise, situationText(p), p.leader, p.phone, periodText(p)];
}
