import { MAX_MODEL_NAME_LENGTH, modelNameProblem } from './modelName';

describe('modelNameProblem', () => {
  it('accepts a model name', () => {
    expect(modelNameProblem('qwen3-0-6b')).toBeUndefined();
    expect(modelNameProblem('a'.repeat(MAX_MODEL_NAME_LENGTH))).toBeUndefined();
  });

  it.each([
    ['', 'a model name is needed'],
    ['Qwen3', '"Qwen3" has upper-case letters; use lower-case letters only'],
    ['3qwen', '"3qwen" must start with a letter'],
    ['qwen-', '"qwen-" must end with a letter or digit'],
    [
      'qwen_3.6',
      '"qwen_3.6" has characters a model name cannot have (_ .); use lower-case letters, digits and dashes',
    ],
    [
      'a'.repeat(51),
      `"${'a'.repeat(51)}" has 51 characters; at most 50 are allowed`,
    ],
  ])('says in words what is wrong with %j', (name, problem) => {
    expect(modelNameProblem(name)).toBe(problem);
  });
});
