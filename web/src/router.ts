/**
 * Every page, each its own chunk. Public pages need nobody signed in; member pages need a
 * session; console pages need a staff role (the service still decides what each may do, within
 * their scope: the menu only hides what would be refused).
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { isStaff, restoreSession, session, type Role } from './session';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Signed in with any of these roles (any role when empty). */
    roles?: Role[];
    signedIn?: boolean;
  }
}

const staff: Role[] = ['superAdmin', 'orgAdmin', 'secretary', 'inspector'];

const routes: RouteRecordRaw[] = [
  {
    path: '/',
    component: () => import('./layouts/PublicLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./pages/public/HomePage.vue'), meta: { title: '首页' } },
      { path: 'search', name: 'search', component: () => import('./pages/public/SearchPage.vue'), meta: { title: '政策检索' } },
      { path: 'documents/:id', name: 'document', component: () => import('./pages/public/DocumentPage.vue'), meta: { title: '文件详情' } },
      {
        path: 'messages',
        name: 'messages',
        component: () => import('./pages/public/messages/MessageBoard.vue'),
        meta: { title: '留言板' },
      },
      {
        path: 'messages/new',
        name: 'message-new',
        component: () => import('./pages/public/messages/WriteMessage.vue'),
        meta: { title: '我要留言' },
      },
      {
        path: 'messages/track',
        name: 'message-track',
        component: () => import('./pages/public/messages/TrackMessage.vue'),
        meta: { title: '查询我的留言' },
      },
      {
        path: 'messages/:id',
        name: 'message',
        component: () => import('./pages/public/messages/MessageDetail.vue'),
        meta: { title: '留言详情' },
      },
      {
        path: 'notices',
        name: 'notices',
        component: () => import('./pages/public/supervision/NoticesPage.vue'),
        meta: { title: '纪律通报' },
      },
      {
        path: 'notices/:id',
        name: 'notice',
        component: () => import('./pages/public/supervision/NoticeDetail.vue'),
        meta: { title: '通报详情' },
      },
      {
        path: 'power-lists',
        name: 'power-lists',
        component: () => import('./pages/public/supervision/PowerLists.vue'),
        meta: { title: '权力清单' },
      },
      {
        path: 'power-lists/:id',
        name: 'power-item',
        component: () => import('./pages/public/supervision/PowerItemPage.vue'),
        meta: { title: '权力事项' },
      },
      { path: 'login', name: 'login', component: () => import('./pages/public/SignInPage.vue'), meta: { title: '登录' } },
      { path: 'me', name: 'me', component: () => import('./pages/member/MemberHome.vue'), meta: { title: '我的', signedIn: true } },
      {
        path: 'me/password',
        name: 'my-password',
        component: () => import('./pages/member/ChangePassword.vue'),
        meta: { title: '修改密码', signedIn: true },
      },
      {
        path: 'me/meetings',
        name: 'my-meetings',
        component: () => import('./pages/member/MyMeetings.vue'),
        meta: { title: '支部会议', signedIn: true },
      },
      {
        path: 'me/courses',
        name: 'my-courses',
        component: () => import('./pages/member/learning/MyCourses.vue'),
        meta: { title: '我的课程', signedIn: true },
      },
      {
        path: 'me/courses/:id',
        name: 'my-course',
        component: () => import('./pages/member/learning/CourseStudy.vue'),
        meta: { title: '课程学习', signedIn: true },
      },
      {
        path: 'me/hours',
        name: 'my-hours',
        component: () => import('./pages/member/learning/MyHours.vue'),
        meta: { title: '我的学时', signedIn: true },
      },
      {
        path: 'me/exams/:id',
        name: 'my-exam',
        component: () => import('./pages/member/learning/TakeExam.vue'),
        meta: { title: '在线考试', signedIn: true },
      },
      {
        path: 'me/trainings',
        name: 'my-trainings',
        component: () => import('./pages/member/learning/MyTrainings.vue'),
        meta: { title: '培训档案', signedIn: true },
      },
      {
        path: 'me/dues',
        name: 'my-dues',
        component: () => import('./pages/member/MyDues.vue'),
        meta: { title: '我的党费', signedIn: true },
      },
    ],
  },
  {
    path: '/console',
    component: () => import('./layouts/ConsoleLayout.vue'),
    meta: { signedIn: true, roles: staff },
    children: [
      { path: '', redirect: { name: 'console-dashboard' } },
      {
        path: 'dashboard',
        name: 'console-dashboard',
        component: () => import('./pages/console/DashboardPage.vue'),
        meta: { title: '工作台' },
      },
      {
        path: 'editorial',
        name: 'console-editorial',
        component: () => import('./pages/console/EditorialPage.vue'),
        meta: { title: '内容审核发布' },
      },
      {
        path: 'documents/new',
        name: 'console-document-new',
        component: () => import('./pages/console/DocumentEditor.vue'),
        meta: { title: '新建文件' },
      },
      {
        path: 'documents/:id',
        name: 'console-document',
        component: () => import('./pages/console/DocumentEditor.vue'),
        meta: { title: '编辑文件' },
      },
      {
        path: 'organizations',
        name: 'console-organizations',
        component: () => import('./pages/console/OrganizationsPage.vue'),
        meta: { title: '组织与党员' },
      },
      {
        path: 'meetings',
        name: 'console-meetings',
        component: () => import('./pages/console/MeetingsPage.vue'),
        meta: { title: '三会一课' },
      },
      { path: 'dues', name: 'console-dues', component: () => import('./pages/console/DuesPage.vue'), meta: { title: '党费管理' } },
      {
        path: 'feedback',
        name: 'console-feedback',
        component: () => import('./pages/console/FeedbackQueue.vue'),
        meta: { title: '留言办理' },
      },
      {
        path: 'feedback/leader-posts',
        name: 'console-leader-posts',
        component: () => import('./pages/console/LeaderPostsPage.vue'),
        meta: { title: '领导职务' },
      },
      {
        path: 'feedback/statistics',
        name: 'console-feedback-statistics',
        component: () => import('./pages/console/FeedbackStatistics.vue'),
        meta: { title: '办理统计' },
      },
      {
        path: 'learning',
        name: 'console-learning',
        component: () => import('./pages/console/LearningAdmin.vue'),
        meta: { title: '学习培训管理' },
      },
      {
        path: 'learning/enrolments',
        name: 'console-enrolments',
        component: () => import('./pages/console/CourseEnrolments.vue'),
        meta: { title: '报名管理' },
      },
      {
        path: 'learning/banks',
        name: 'console-question-banks',
        component: () => import('./pages/console/QuestionBanks.vue'),
        meta: { title: '题库' },
      },
      {
        path: 'learning/grading',
        name: 'console-grading',
        component: () => import('./pages/console/ExamGrading.vue'),
        meta: { title: '阅卷' },
      },
      {
        path: 'learning/trainings',
        name: 'console-cadre-trainings',
        component: () => import('./pages/console/CadreTrainings.vue'),
        meta: { title: '干部培训档案' },
      },
      {
        path: 'learning/conversion-tables',
        name: 'console-conversion-tables',
        component: () => import('./pages/console/ConversionTables.vue'),
        meta: { title: '学时折算表' },
      },
      {
        path: 'learning/requirement-sets',
        name: 'console-requirement-sets',
        component: () => import('./pages/console/RequirementSets.vue'),
        meta: { title: '学时要求' },
      },
      {
        path: 'learning/points',
        name: 'console-points',
        component: () => import('./pages/console/PointsPage.vue'),
        meta: { title: '学习积分' },
      },
      {
        path: 'users',
        name: 'console-users',
        component: () => import('./pages/console/UsersPage.vue'),
        meta: { title: '用户账号' },
      },
      {
        path: 'supervision',
        name: 'console-supervision',
        component: () => import('./pages/console/SupervisionPage.vue'),
        meta: { title: '监督执纪' },
      },
      {
        path: 'supervision/power',
        name: 'console-power-lists',
        component: () => import('./pages/console/PowerListAdmin.vue'),
        meta: { title: '权力清单管理' },
      },
      {
        path: 'transfers',
        name: 'console-transfers',
        component: () => import('./pages/console/TransfersPage.vue'),
        meta: { title: '组织关系转接' },
      },
    ],
  },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/public/NotFoundPage.vue'), meta: { title: '页面不存在' } },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

router.beforeEach(async (to) => {
  await restoreSession();
  const needsSession = to.matched.some((record) => record.meta.signedIn);
  if (needsSession && !session.user) return { name: 'login', query: { next: to.fullPath } };
  const roles = to.matched.flatMap((record) => record.meta.roles ?? []);
  if (roles.length && !isStaff()) return { name: 'me' };
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title ?? ''} - 智慧党建`;
});
