import type { AnchorHTMLAttributes, MouseEvent, Ref } from 'react';
import { useRouter } from '../hooks/use-router';

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  ref?: Ref<HTMLAnchorElement>;
}

/** A real link (it opens in a new tab, it can be copied) that moves within the app without a reload. */
export function Link({ to, onClick, ref, ...rest }: LinkProps) {
  const router = useRouter();
  function click(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    router.navigate(to);
  }
  return <a ref={ref} href={to} onClick={click} {...rest} />;
}
