import { Observable, type Observer, type Operator, Subscriber, type Subscription } from "rxjs";

type ObserverOrNext<T> = Partial<Observer<T>> | ((value: T) => void) | null | undefined;

/**
 * An rxjs Observable whose subscribers may throw without harm. rxjs reports an error thrown by a
 * subscriber asynchronously as an uncaught exception, which would crash the process running the
 * scenarios; here such errors are logged instead. `pipe()` keeps the guard (through `lift`), so
 * `events$.pipe(filter(...)).subscribe(...)` is protected as well.
 */
export class GuardedObservable<T> extends Observable<T> {
  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const observable = new GuardedObservable<R>();
    observable.source = this;
    observable.operator = operator;
    return observable;
  }

  override subscribe(
    observerOrNext?: ObserverOrNext<T>,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    // rxjs' own subscribers (operators, firstValueFrom) pass through: they handle their errors.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    if (typeof observerOrNext === "function" || observerOrNext == null) {
      return super.subscribe({
        next: guard(observerOrNext ?? undefined, undefined, "next"),
        error: guard(error ?? undefined, undefined, "error"),
        complete: guard(complete ?? undefined, undefined, "complete"),
      });
    }
    const observer = observerOrNext;
    return super.subscribe({
      next: guard(observer.next, observer, "next"),
      error: guard(observer.error, observer, "error"),
      complete: guard(observer.complete, observer, "complete"),
    });
  }
}

function guard<A extends unknown[]>(
  handler: ((...args: A) => void) | undefined,
  thisArgument: unknown,
  hook: string,
): ((...args: A) => void) | undefined {
  if (!handler) return undefined;
  return (...args: A) => {
    try {
      handler.apply(thisArgument, args);
    } catch (error) {
      console.warn(`[scenario] An event subscriber threw in ${hook}(); the run goes on.`, error);
    }
  };
}
