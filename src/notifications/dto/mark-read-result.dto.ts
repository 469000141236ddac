import { ApiInteger } from '../../common/swagger/api-integer';

/** Response of `POST /notifications/read`. */
export class MarkReadResultDto {
  @ApiInteger(1, 'How many were unread before this call (0 on a repeat: the call is idempotent).')
  updated: number;
}
