import { ConfigError, DataError } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { Interactions } from './interactions.js';

const small = () =>
  new Interactions({
    userIds: [2, 0, 2, 1, 2],
    itemIds: [5, 1, 3, 1, 4],
    ratings: [1, 2, 3, 4, 5],
    timestamps: [30, 10, 10, 5, 20],
  });

describe('Interactions', () => {
  it("sizes tables by Spotlight's rule (max id + 1) and keeps declared larger sizes", () => {
    const data = small();
    expect([data.length, data.numUsers, data.numItems]).toEqual([5, 3, 6]);
    expect(new Interactions({ userIds: [0], itemIds: [0], numUsers: 10, numItems: 20 }).numItems).toBe(20);
    expect(String(data)).toBe('<Interactions (3 users x 6 items x 5 interactions)>');
  });

  it('uses typed arrays without copying and copies plain arrays into typed ones', () => {
    const users = Int32Array.of(0, 1);
    const data = new Interactions({ userIds: users, itemIds: [1, 2], weights: [0.5, 2] });
    expect(data.userIds).toBe(users);
    expect(data.itemIds).toBeInstanceOf(Int32Array);
    expect(data.weights).toBeInstanceOf(Float32Array);
    expect(data.ratings).toBeUndefined();
  });

  it('names the column and first bad row', () => {
    expect(() => new Interactions({ userIds: [0, 1, -1], itemIds: [0, 0, 0] })).toThrow(
      /row 2: user id is -1, expected an integer in \[0, 2147483647\]/,
    );
    expect(() => new Interactions({ userIds: Int32Array.of(0, -4), itemIds: [0, 0] })).toThrow(
      /row 1: user id is -4/,
    );
    expect(() => new Interactions({ userIds: [0, 1], itemIds: [0, 1.5] })).toThrow(/row 1: item id is 1.5/);
    expect(() => new Interactions({ userIds: [0], itemIds: [2 ** 31] })).toThrow(DataError);
    expect(() => new Interactions({ userIds: [0, 0], itemIds: [0, 0], ratings: [1, Number.NaN] })).toThrow(
      /row 1: rating is NaN, expected a finite number/,
    );
    expect(() => new Interactions({ userIds: [0], itemIds: [0], timestamps: [Infinity] })).toThrow(
      /timestamp/,
    );
  });

  it('refuses columns of different lengths and tables smaller than the ids', () => {
    expect(() => new Interactions({ userIds: [0, 1], itemIds: [0] })).toThrow(
      /itemIds has 1 rows but userIds has 2/,
    );
    expect(() => new Interactions({ userIds: [0], itemIds: [0], ratings: [1, 2] })).toThrow(
      /ratings has 2 rows/,
    );
    expect(() => new Interactions({ userIds: [0, 5], itemIds: [0, 0], numUsers: 5 })).toThrow(ConfigError);
    expect(() => new Interactions({ userIds: [0, 5], itemIds: [0, 0], numUsers: 5 })).toThrow(
      /numUsers: expected an integer in \[6, 2147483647\] \(largest id is 5\)/,
    );
  });

  it('slice is a view sharing memory; select copies the chosen rows in order', () => {
    const data = small();
    const view = data.slice(1, 3);
    expect(Array.from(view.itemIds)).toEqual([1, 3]);
    expect(view.itemIds.buffer).toBe(data.itemIds.buffer);
    expect([view.numUsers, view.numItems]).toEqual([3, 6]);
    const picked = data.select(Int32Array.of(4, 0));
    expect(Array.from(picked.ratings!)).toEqual([5, 1]);
    expect(Array.from(picked.timestamps!)).toEqual([20, 30]);
    expect(picked.itemIds.buffer).not.toBe(data.itemIds.buffer);
    expect(() => data.select(Int32Array.of(5))).toThrow(
      /rows\[0\]: expected a row number in \[0, 4\], got 5/,
    );
  });

  it('inflates the declared tables without touching the rows, and refuses to shrink them', () => {
    const data = small();
    const big = data.inflate({ numItems: 5_000_000 });
    expect([big.numUsers, big.numItems, big.length]).toEqual([3, 5_000_000, 5]);
    expect(big.itemIds).toBe(data.itemIds);
    expect(() => data.inflate({ numItems: 4 })).toThrow(/numItems/);
    expect(() => data.inflate({ numUsers: 2 ** 31 })).toThrow(/numUsers/);
  });

  it('indexes rows by user (CSR), in row order or in time order with ties in row order', () => {
    const data = small();
    const { offsets, rows } = data.byUser();
    expect(Array.from(offsets)).toEqual([0, 1, 2, 5]);
    expect(Array.from(rows)).toEqual([1, 3, 0, 2, 4]);
    expect(data.byUser()).toBe(data.byUser());
    expect(Array.from(data.byUserInTimeOrder().rows)).toEqual([1, 3, 2, 4, 0]);
    expect(() => new Interactions({ userIds: [0], itemIds: [0] }).byUserInTimeOrder()).toThrow(
      /no timestamps/,
    );
  });

  it('counts users and items that occur', () => {
    const data = small().inflate({ numUsers: 10, numItems: 10 });
    expect(data.countUsersWithInteractions()).toBe(3);
    expect(data.countItemsWithInteractions()).toBe(4);
  });
});
