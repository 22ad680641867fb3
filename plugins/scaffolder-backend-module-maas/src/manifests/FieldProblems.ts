import { FieldProblem } from '@maas-portal/plugin-maas-common';

/** The problems found in a model input, each naming its field as the form names it. */
export class FieldProblems {
  readonly list: FieldProblem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** A bad value: the value as written (JSON), then what is wrong with it. */
  bad(path: string, value: unknown, what: string): void {
    this.add(path, `${JSON.stringify(value)} ${what}`);
  }

  addAll(problems: FieldProblem[]): void {
    this.list.push(...problems);
  }
}
