import type { ButtonHTMLAttributes, Ref } from 'react';
import styles from './ui.module.css';

type Variant = 'default' | 'primary' | 'danger' | 'ghost';

/** A button; `variant` picks the look, `small`/`icon` the size. Always type="button" unless given. */
export function Button({
  variant = 'default',
  small,
  icon,
  className,
  type = 'button',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; small?: boolean; icon?: boolean; ref?: Ref<HTMLButtonElement> }) {
  const classes = [styles.button, variant !== 'default' && styles[variant], small && styles.small, icon && styles.icon, className].filter(Boolean).join(' ');
  return <button type={type} className={classes} {...rest} />;
}
