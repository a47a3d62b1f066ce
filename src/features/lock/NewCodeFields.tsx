/**
 * A new lock code typed twice, and the rule on it (crypto/keys.ts `lockCodeProblem`, then the two
 * must match): shared by « Choisir un code de verrouillage », the blocked tablet's recovery and
 * « Changer le code de verrouillage ».
 */
import type { ReactNode } from 'react';
import { lockCodeProblem } from '../../crypto/keys';
import { TextField } from '../common/TextField';

export interface NewCodeErrors {
  code?: string;
  again?: string;
}

/** The errors of a new code and its repetition (none: both undefined). */
export function newCodeErrors(code: string, again: string, mismatch = 'Les deux codes ne sont pas identiques.'): NewCodeErrors {
  const problem = lockCodeProblem(code);
  return { code: problem ?? undefined, again: !problem && code !== again ? mismatch : undefined };
}

interface Props {
  /** Ids of the two inputs (to focus the first error). */
  ids: { code: string; again: string };
  labels: { code: string; again: string };
  code: string;
  again: string;
  onCode: (value: string) => void;
  onAgain: (value: string) => void;
  errors: NewCodeErrors;
  hint?: ReactNode;
  /** The class of the inputs (the lock screens' large code field). */
  inputClass?: string;
}

export function NewCodeFields({ ids, labels, code, again, onCode, onAgain, errors, hint, inputClass }: Props) {
  return (
    <>
      <TextField
        id={ids.code}
        label={labels.code}
        type="password"
        autoComplete="off"
        className={inputClass}
        hint={hint}
        value={code}
        onChange={onCode}
        error={errors.code}
      />
      <TextField
        id={ids.again}
        label={labels.again}
        type="password"
        autoComplete="off"
        className={inputClass}
        value={again}
        onChange={onAgain}
        error={errors.again}
      />
    </>
  );
}
