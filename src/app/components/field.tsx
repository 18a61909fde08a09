import { useId } from 'react';
import type { InputHTMLAttributes, KeyboardEvent, Ref } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange' | 'value' | 'maxLength' | 'onKeyDown'> {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  hint?: string;
  multiline?: boolean;
  rows?: number;
  /**
   * The most characters the server takes. Not a `maxLength`: that would cut
   * pasted text without a word. A counter shows near the limit, and past it
   * the field says so (the form's check refuses to submit).
   */
  limit?: number;
  /** The field's name in the too-long message ("the message"). */
  what?: string;
  /** Wrong for a reason told elsewhere (`describedBy`, e.g. the form's alert): marked without a message of its own. */
  invalid?: boolean;
  describedBy?: string | undefined;
  onKeyDown?(event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>): void;
  inputRef?: Ref<HTMLInputElement & HTMLTextAreaElement>;
}

/** Shown once this few characters remain: 10% of the limit, at least 20. */
function counterFrom(limit: number): number {
  return Math.max(20, Math.round(limit / 10));
}

const formatCount = (n: number) => n.toLocaleString('en-US');

function counterText(length: number, limit: number): string {
  const left = limit - length;
  if (left >= 0) return `${formatCount(left)} ${left === 1 ? 'character' : 'characters'} left`;
  return `${formatCount(-left)} ${left === -1 ? 'character' : 'characters'} over the limit of ${formatCount(limit)}`;
}

/** A labelled input (or textarea) with its hint, counter and error tied to it. */
export function Field({ label, value, onChange, error, hint, multiline, rows = 4, limit, what, invalid, describedBy: elsewhere, onKeyDown, inputRef, ...rest }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const counterId = `${id}-counter`;
  // Counted as the checks count: text trimmed, a password as typed.
  const length = rest.type === 'password' ? value.length : value.trim().length;
  const showCounter = limit !== undefined && length >= limit - counterFrom(limit);
  const over = limit !== undefined && length > limit;
  // Past the limit the field is wrong now, not only after the next submit.
  const shownError = error ?? (over && limit !== undefined ? `Shorten ${what ?? 'this'} to ${formatCount(limit)} characters or fewer.` : undefined);
  const describedBy = [hint ? hintId : null, showCounter ? counterId : null, shownError ? errorId : null, elsewhere ?? null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value,
    'aria-invalid': shownError || invalid ? true : undefined,
    'aria-describedby': describedBy,
    ref: inputRef,
    onKeyDown,
  };
  return (
    <div className={`field${shownError || invalid ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={rows} onChange={(event) => onChange(event.target.value)} name={rest.name} required={rest.required} readOnly={rest.readOnly} autoFocus={rest.autoFocus} />
      ) : (
        <input {...rest} {...common} onChange={(event) => onChange(event.target.value)} />
      )}
      {hint || showCounter ? (
        <div className="field__notes">
          {hint ? (
            <p className="field__hint" id={hintId}>
              {hint}
            </p>
          ) : null}
          {showCounter && limit !== undefined ? (
            <p className={`field__counter${over ? ' field__counter--over' : ''}`} id={counterId}>
              {counterText(length, limit)}
            </p>
          ) : null}
        </div>
      ) : null}
      {shownError ? (
        <p className="field__error" id={errorId}>
          {shownError}
        </p>
      ) : null}
    </div>
  );
}
