'use client';

import Link from 'next/link';
import { useEmailClient } from './email-client-context';

interface EmailAddressLinkProps {
  address: string;
  /** Shown instead of the address when given; the address stays in the tooltip. */
  name?: string;
  className?: string;
  onClick?: () => void;
}

export function composeHref(address: string): string {
  return `/inbox/compose?to=${encodeURIComponent(address)}`;
}

/**
 * RFC 6068: the address is percent-encoded so that `?`, `&`, `#` or `%` in a local part cannot add
 * headers or cut the link short; `@` is left readable, as some mail apps do not decode it.
 */
export function mailtoHref(address: string): string {
  return `mailto:${encodeURIComponent(address).replace(/%40/g, '@')}`;
}

/** Every e-mail address in the CRM is shown with this, so it opens the way the user chose in Local settings. */
export function EmailAddressLink({ address, name, className = 'text-indigo-700 hover:underline', onClick }: EmailAddressLinkProps) {
  const client = useEmailClient();
  const label = name?.trim() || address;
  const title = label === address ? undefined : address;
  if (client === 'mailto') {
    return (
      <a href={mailtoHref(address)} className={className} title={title} onClick={onClick}>
        {label}
      </a>
    );
  }
  return (
    <Link href={composeHref(address)} className={className} title={title} onClick={onClick}>
      {label}
    </Link>
  );
}
