/** Whether this is CI's run (CI set, and not to "false" or "0"), where no test may skip. */
export const CI = Boolean(process.env.CI) && !["false", "0"].includes(process.env.CI!.toLowerCase());
