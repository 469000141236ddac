/** The roles a user can hold. Who may do what is listed per module in the README. */
export enum Role {
  Admin = 'admin',
  Manager = 'manager',
  Accountant = 'accountant',
  Clerk = 'clerk',
}

/** Everyone signed in to the tenant. */
export const ANY_ROLE: readonly Role[] = [Role.Admin, Role.Manager, Role.Accountant, Role.Clerk];
/** "clerk and up" in the operational modules (inventory, documents, payroll). */
export const CLERK_AND_UP: readonly Role[] = [Role.Admin, Role.Manager, Role.Clerk];
/** "manager and up": approvals, stock receipts, consistency reports. */
export const MANAGER_AND_UP: readonly Role[] = [Role.Admin, Role.Manager];
/** Money writers. */
export const ACCOUNTANTS: readonly Role[] = [Role.Admin, Role.Accountant];
