// Projects: work done with companies and contacts; other code imports only this file (and ./client, ./actions).
export { createProject, deleteProject, getProject, listProjects, updateProject, type ProjectDetail, type ProjectListFilter, type ProjectListItem } from './service';
export { projectFieldsSchema, projectStatuses, type ProjectFields } from './client';
