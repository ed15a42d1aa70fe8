/// <reference path="./interfaces/example-inventory-activity-inventory.d.ts" />
declare module 'example-inventory:activity/inventory-activity' {
  export * as inventory from 'example-inventory:activity/inventory'; // export example-inventory:activity/inventory
}
