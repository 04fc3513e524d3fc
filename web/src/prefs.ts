/** Large-text mode (适老化): a class on <html>, remembered by this browser. */
import { ref } from 'vue';

const key = 'pb.largeText';

export const largeText = ref(localStorage.getItem(key) === '1');

function apply(on: boolean): void {
  document.documentElement.classList.toggle('large-text', on);
}

apply(largeText.value);

export function setLargeText(on: boolean): void {
  largeText.value = on;
  localStorage.setItem(key, on ? '1' : '0');
  apply(on);
}
