import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from 'react';

interface FieldChrome {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
}

/** Label above, hint or error below, wired with aria-describedby: shared by single- and multi-line fields. */
function FieldFrame({
  label,
  inputId,
  error,
  hint,
  children,
}: Omit<FieldChrome, 'name'> & { inputId: string; children: (control: ControlProps) => ReactNode }) {
  const describedBy = error ? `${inputId}-error` : hint ? `${inputId}-hint` : undefined;
  const control: ControlProps = {
    id: inputId,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    className: `w-full rounded-md border px-3 py-2 text-base shadow-sm outline-none focus:ring-2 focus:ring-indigo-500 ${
      error ? 'border-red-500' : 'border-slate-300'
    }`,
  };
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={inputId} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      {children(control)}
      {error ? (
        <p id={`${inputId}-error`} className="text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={`${inputId}-hint`} className="text-sm text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  className: string;
}

export function Field({ label, name, error, hint, id, ...input }: FieldChrome & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame label={label} inputId={id ?? `field-${name}`} error={error} hint={hint}>
      {(control) => <input name={name} {...control} {...input} />}
    </FieldFrame>
  );
}

export function TextAreaField({ label, name, error, hint, id, className = '', ...textarea }: FieldChrome & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldFrame label={label} inputId={id ?? `field-${name}`} error={error} hint={hint}>
      {(control) => <textarea name={name} {...control} className={`${control.className} ${className}`} {...textarea} />}
    </FieldFrame>
  );
}

export function SubmitButton({ pending, children, pendingLabel }: { pending: boolean; children: ReactNode; pendingLabel: string }) {
  return (
    <button
      type="submit"
      disabled={pending}
      className="inline-flex items-center justify-center rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-700 disabled:opacity-60"
    >
      {pending ? pendingLabel : children}
    </button>
  );
}

const alertColours = {
  error: 'border-red-200 bg-red-50 text-red-800',
  success: 'border-green-200 bg-green-50 text-green-800',
  info: 'border-sky-200 bg-sky-50 text-sky-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-900',
};

export function FormAlert({ message, tone = 'error' }: { message?: string | null; tone?: keyof typeof alertColours }) {
  if (!message) return null;
  const colours = alertColours[tone];
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded-md border px-3 py-2 text-sm ${colours}`}>
      {message}
    </div>
  );
}
