import { Component, type ReactNode } from 'react';
import { ErrorMessage } from './error-message';

interface State {
  readonly error: unknown;
}

/**
 * A rendering bug in one page shows a message in place of that page instead of unmounting the
 * whole app into a blank screen. `resetKey` (the path) clears it when the reader navigates.
 */
export class ErrorBoundary extends Component<
  { readonly children: ReactNode; readonly resetKey: string },
  State & { readonly key: string }
> {
  override state = { error: undefined as unknown, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error ?? new Error('unknown error') };
  }

  static getDerivedStateFromProps(
    props: { readonly resetKey: string },
    state: State & { readonly key: string },
  ): Partial<State & { key: string }> | null {
    return props.resetKey === state.key ? null : { error: undefined, key: props.resetKey };
  }

  override render() {
    if (this.state.error !== undefined) return <ErrorMessage error={this.state.error} />;
    return this.props.children;
  }
}
