import { Button } from './button.js';

/** A read a part of the page waits on has failed: "`what` could not be loaded." with a Try again button (role alert). */
export function LoadFailed({ what, onRetry, className }: { what: string; onRetry: () => void; className?: string }) {
  return (
    <p role="alert" className={className}>
      {what} could not be loaded.{' '}
      <Button small onClick={onRetry}>
        Try again
      </Button>
    </p>
  );
}
