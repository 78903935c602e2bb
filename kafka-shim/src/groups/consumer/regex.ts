/**
 * SubscribedTopicRegex: Kafka compiles it with RE2/J and a topic matches when the whole name
 * matches. Here a JavaScript RegExp, anchored at both ends, stands in for RE2/J: the syntax both
 * share (classes, alternation, repetition, groups) behaves the same; RE2-only syntax (\Q..\E,
 * (?P<name>..), \pN without braces) is refused as INVALID_REGULAR_EXPRESSION, and JavaScript-only
 * syntax (backreferences, lookaround) is accepted where RE2/J would refuse it.
 */
import { ErrorCode, KafkaError } from '../../errors.js';

const cache = new Map<string, RegExp>();

export function compileRegex(source: string): RegExp {
  let re = cache.get(source);
  if (re) return re;
  try {
    // No 'u' flag: in unicode mode an escaped punctuation character such as \- is a syntax
    // error, while RE2/J (and clients building patterns with Pattern.quote-like escaping) accept it.
    re = new RegExp(`^(?:${source})$`);
  } catch (err) {
    throw new KafkaError(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex \`${source}\` is not a valid regular expression: ${(err as Error).message}.`);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(source, re);
  return re;
}
