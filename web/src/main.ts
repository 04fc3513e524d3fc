import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import './theme.css';
import './prefs';

createApp(App).use(router).mount('#app');
