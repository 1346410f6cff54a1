import { describe, expect, it, vi } from 'vitest';
import { requestKey } from '../../common/ipc/request-key';
import { createEarlyAnswers } from './early-answers';

describe('early answers', () => {
  it('gives the answer asked under a key to the first take only', async () => {
    const early = createEarlyAnswers();
    const ask = vi.fn(() => Promise.resolve({ users: ['a'] }));
    early.start('page', ask);
    expect(ask).toHaveBeenCalledTimes(1);
    await expect(early.take('page')).resolves.toEqual({ users: ['a'] });
    expect(early.take('page')).toBeUndefined();
  });

  it('gives nothing for another key', () => {
    const early = createEarlyAnswers();
    early.start('page', () => Promise.resolve(1));
    expect(early.take('organisation')).toBeUndefined();
  });

  it('gives nothing once the answer is older than its time to live, and forgets it', () => {
    let now = 1000;
    const early = createEarlyAnswers({ ttlMs: 5000, now: () => now });
    early.start('page', () => Promise.resolve(1));
    now = 6001;
    expect(early.take('page')).toBeUndefined();
    now = 1000;
    expect(early.take('page')).toBeUndefined();
  });

  it('forgets every answer on clear (the session changed)', () => {
    const early = createEarlyAnswers();
    early.start('page', () => Promise.resolve(1));
    early.start('organisation', () => Promise.resolve(2));
    early.clear();
    expect(early.take('page')).toBeUndefined();
    expect(early.take('organisation')).toBeUndefined();
  });

  it('passes a failure on to the one who takes it, and leaves none unhandled when nobody does', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const early = createEarlyAnswers();
      early.start('taken', () => Promise.reject(new Error('backend down')));
      early.start('left', () => Promise.reject(new Error('backend down')));
      await expect(early.take('taken')).rejects.toThrow('backend down');
      early.clear();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('keys a request by its fields and values, not their order, leaving out absent ones', () => {
    const a = requestKey('admin:list-user-page', { sort: 'surname', direction: 'asc', search: '', limit: 100 });
    const b = requestKey('admin:list-user-page', {
      limit: 100,
      search: '',
      direction: 'asc',
      sort: 'surname',
      cursor: undefined,
    });
    expect(a).toBe(b);
    expect(requestKey('admin:list-user-page', { sort: 'email', direction: 'asc', search: '', limit: 100 })).not.toBe(a);
    expect(requestKey('admin:list-user-page', { sort: 'surname', direction: 'asc', search: 'a', limit: 100 })).not.toBe(a);
    expect(requestKey('admin:get-user', { sort: 'surname', direction: 'asc', search: '', limit: 100 })).not.toBe(a);
  });
});
