// Labelled form controls with hints and inline errors wired through aria-describedby / aria-invalid.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null | undefined;
  required?: boolean | undefined;
  className?: string | undefined;
  children: ReactNode;
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldShell({ id, label, hint, error, required, className, children }: FieldShellProps) {
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label className="field-label" htmlFor={id}>
        {label}
        {required && <span className="field-required" aria-hidden="true"> *</span>}
      </label>
      {children}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

type InputBase = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null | undefined;
  value: string;
  onValueChange: (value: string) => void;
  fieldClassName?: string;
};

export function TextField({ label, hint, error, value, onValueChange, required, fieldClassName, id, type, ...rest }: InputBase) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <FieldShell id={fid} label={label} hint={hint} error={error} required={required} className={fieldClassName}>
      <input
        {...rest}
        id={fid}
        type={type ?? 'text'}
        className="input"
        value={value}
        onChange={(e) => onValueChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={describedBy(fid, hint, error)}
      />
    </FieldShell>
  );
}

/** A native date, time or date-time input (keyboard-accessible pickers come for free). */
export function DateTimeField({ kind, ...rest }: Omit<InputBase, 'type'> & { kind: 'date' | 'time' | 'datetime-local' }) {
  return <TextField {...rest} type={kind} />;
}

export function TextAreaField({
  label,
  hint,
  error,
  value,
  onValueChange,
  required,
  fieldClassName,
  id,
  ...rest
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> & Omit<InputBase, keyof InputHTMLAttributes<HTMLInputElement>> & {
  value: string;
}) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <FieldShell id={fid} label={label} hint={hint} error={error} required={required} className={fieldClassName}>
      <textarea
        {...rest}
        id={fid}
        className="input textarea"
        value={value}
        onChange={(e) => onValueChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fid, hint, error)}
      />
    </FieldShell>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export function Select({
  label,
  hint,
  error,
  value,
  onValueChange,
  options,
  required,
  fieldClassName,
  id,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null | undefined;
  value: string;
  onValueChange: (value: string) => void;
  options: readonly SelectOption[];
  fieldClassName?: string;
}) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <FieldShell id={fid} label={label} hint={hint} error={error} required={required} className={fieldClassName}>
      <select
        {...rest}
        id={fid}
        className="input select"
        value={value}
        onChange={(e) => onValueChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fid, hint, error)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function Checkbox({
  label,
  hint,
  error,
  checked,
  onCheckedChange,
  id,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'type' | 'checked'> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null | undefined;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
}) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={['field', 'field-check', error ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
      <div className="check-row">
        <input
          {...rest}
          id={fid}
          type="checkbox"
          className="checkbox"
          checked={checked}
          onChange={(e) => onCheckedChange(e.target.checked)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(fid, hint, error)}
        />
        <label className="field-label" htmlFor={fid}>
          {label}
        </label>
      </div>
      {hint && (
        <p className="field-hint" id={`${fid}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${fid}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A form-level error for problems no single field owns. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert">
      {message}
    </div>
  );
}
