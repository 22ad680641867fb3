/**
 * The rule for a model's name, said in words: the form checks it as typed, Create model's render
 * step again. Every object of a model is named `<name>-<suffix>`, the longest `<name>-token-limits`,
 * and each must stay a Kubernetes name (a DNS-1123 label, at most 63 characters).
 *
 * @public
 */
export const MAX_MODEL_NAME_LENGTH = 63 - '-token-limits'.length;

const MODEL_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The rule, for help texts.
 *
 * @public
 */
export const MODEL_NAME_RULE = `lower-case letters, digits and dashes, starting with a letter, ending with a letter or digit, at most ${MAX_MODEL_NAME_LENGTH} characters`;

/**
 * Why `name` is not a model name, in words, or undefined when it is one.
 *
 * @public
 */
export function modelNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'a model name is needed';
  if (name.length > MAX_MODEL_NAME_LENGTH)
    return `"${name}" has ${name.length} characters; at most ${MAX_MODEL_NAME_LENGTH} are allowed`;
  if (/[A-Z]/.test(name))
    return `"${name}" has upper-case letters; use lower-case letters only`;
  if (!/^[a-z]/.test(name)) return `"${name}" must start with a letter`;
  if (!/[a-z0-9]$/.test(name))
    return `"${name}" must end with a letter or digit`;
  if (!MODEL_NAME.test(name)) {
    const bad = [...new Set(name.replace(/[-a-z0-9]/g, ''))].join(' ');
    return `"${name}" has characters a model name cannot have (${bad}); use lower-case letters, digits and dashes`;
  }
  return undefined;
}
