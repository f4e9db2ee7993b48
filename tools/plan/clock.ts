// The plan's one clock. The simulator issues certificates at PLAN_EPOCH (so every run is byte-identical), and the
// components read the time of the machine running Pulumi (`new Date()`: e.g. the near-expiry warning). Run on two
// clocks, every plan warned that the certificates it had just issued were expired. `runAt` makes the whole plan
// process live at the epoch: `Date.now()` and `new Date()` start there and advance with real time.
export function runAt(epoch: Date): void {
    const RealDate = Date;
    const offset = epoch.getTime() - RealDate.now();
    class PlanDate extends RealDate {
        constructor(...args: ConstructorParameters<DateConstructor> | []) {
            if (args.length === 0) super(RealDate.now() + offset);
            else super(...(args as ConstructorParameters<DateConstructor>));
        }
        static now(): number {
            return RealDate.now() + offset;
        }
    }
    globalThis.Date = PlanDate as DateConstructor;
}
